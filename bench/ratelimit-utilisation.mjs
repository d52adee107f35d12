#!/usr/bin/env node
// Utilisation of @maxllm/ratelimit against @maxllm/mock-server enforcing strict limits over a short sliding window:
// a backlog of chat requests (output lengths ±50%, max_tokens set, so the server charges prompt + max_tokens as
// OpenAI does) runs for WINDOWS windows; achieved = what the server admitted ÷ (windows × limit), per dimension.
// Prints: ratelimit.utilisation utilisation=<binding ratio> tokens=<ratio> requests=<ratio> rate_limited=<429s>
import { setMaxListeners } from 'node:events';
import { createMockServer } from '../packages/mock-server/dist/index.js';
import { createRateLimiter, estimateChatTokens } from '../packages/ratelimit/dist/index.js';

const windowMs = 3000;
const windows = 4;
const limits = { rpm: 200, tpm: 12_000 };
const model = 'gpt-4o-mini';
const maxTokens = 60;

const server = await createMockServer({ limits, windowMs, output: { meanTokens: 40, spread: 0.5 } });
// Client and server share this process's event loop: more callers only add queueing delay.
const concurrency = Number(process.env.RATELIMIT_BENCH_CONCURRENCY ?? 16);
const limiter = createRateLimiter({ ...limits, intervalMs: windowMs, concurrency });
const deadline = AbortSignal.timeout(windows * windowMs);
setMaxListeners(concurrency + 10, deadline);
let sent = 0;
let failed = 0;

async function worker() {
  while (!deadline.aborted) {
    const messages = [{ role: 'user', content: `Question ${sent}: ${'why '.repeat(sent % 17)}?` }];
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
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, max_tokens: maxTokens, messages }),
    });
    limiter.observe(response.headers);
    const body = await response.json();
    if (response.status !== 200) failed++;
    permit.settle({ tokens: (body.usage?.prompt_tokens ?? 0) + maxTokens });
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
const stats = server.stats();
const counters = stats.byModel[model] ?? { requests: 0, admittedTokens: 0 };
const tokens = counters.admittedTokens / (windows * limits.tpm);
const requests = (counters.requests - stats.rateLimited) / (windows * limits.rpm);
await limiter.close();
await server.close();
console.log(
  `ratelimit.utilisation utilisation=${Math.max(tokens, requests).toFixed(3)} tokens=${tokens.toFixed(3)} requests=${requests.toFixed(3)} rate_limited=${stats.rateLimited} window_ms=${windowMs} windows=${windows}`,
);
if (failed > 0) process.stderr.write(`${failed} requests failed\n`);
