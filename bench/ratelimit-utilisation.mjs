#!/usr/bin/env node
// Utilisation of @maxllm/ratelimit against @maxllm/mock-server enforcing strict limits over a short sliding window:
// a backlog of chat requests (output lengths ±50%, max_tokens set, so the server charges prompt + max_tokens as
// OpenAI does) runs for WINDOWS windows; achieved = what the server admitted ÷ (windows × limit), per dimension.
// Prints: ratelimit.utilisation utilisation=<binding ratio> tokens=<ratio> requests=<ratio> rate_limited=<429s>
import { createMockServer } from '../packages/mock-server/dist/index.js';
import { createRateLimiter } from '../packages/ratelimit/dist/index.js';
import { limitedChat, loadTokenizer } from './_limited-chat.mjs';

const windowMs = 3000;
const windows = 4;
const limits = { rpm: 200, tpm: 12_000 };
const model = 'gpt-4o-mini';
const maxTokens = 60;

const server = await createMockServer({ limits, windowMs, output: { meanTokens: 40, spread: 0.5 } });
// Client and server share this process's event loop: more callers only add queueing delay.
const concurrency = Number(process.env.RATELIMIT_BENCH_CONCURRENCY ?? 16);
const limiter = createRateLimiter({ ...limits, intervalMs: windowMs, concurrency });
loadTokenizer(model);
const deadline = AbortSignal.timeout(windows * windowMs);
const { failed } = await limitedChat({
  limiter,
  url: server.url,
  deadline,
  callers: concurrency,
  model,
  maxTokens,
});
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
