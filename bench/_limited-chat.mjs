// Helper of the rate-limit benchmarks (files starting with `_` are not benchmarks): `callers` loops that each take a
// permit for a chat request (prompt estimate + max_tokens, as OpenAI charges at admission), send it to the mock with
// fetch, resync the limiter from the response headers and settle with what the server counted, until `deadline`.
import { setMaxListeners } from 'node:events';
import { estimateChatTokens } from '../packages/ratelimit/dist/index.js';

/**
 * Loads the tokenizer's encoding for `model` (300–450 ms, once per process). Call it before the measured time starts:
 * a limiter that paces never makes up idle time, so a one-off load inside a 12 s measure reads as 3% less of the limit
 * (a window log without pacing hid it by sending a whole window at once).
 */
export function loadTokenizer(model = 'gpt-4o-mini') {
  estimateChatTokens([{ role: 'user', content: 'load' }], model);
}

/** Runs the loops; resolves with `{ sent, failed }` (failed = answers other than 200) once the deadline passed. */
export async function limitedChat({
  limiter,
  url,
  deadline,
  callers,
  model = 'gpt-4o-mini',
  maxTokens = 60,
  tag = '',
}) {
  setMaxListeners(callers + 10, deadline);
  let sent = 0;
  let failed = 0;
  const caller = async () => {
    while (!deadline.aborted) {
      const messages = [{ role: 'user', content: `Question ${tag}${sent}: ${'why '.repeat(sent % 17)}?` }];
      let permit;
      try {
        permit = await limiter.acquire({
          tokens: estimateChatTokens(messages, model) + maxTokens,
          signal: deadline,
        });
      } catch {
        return;
      }
      sent++;
      const response = await fetch(`${url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, max_tokens: maxTokens, messages }),
      });
      limiter.observe(response.headers);
      const body = await response.json();
      if (response.status !== 200) failed++;
      permit.settle({ tokens: (body.usage?.prompt_tokens ?? 0) + maxTokens });
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  return { sent, failed };
}
