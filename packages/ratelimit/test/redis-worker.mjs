// Child process for the multi-process Redis test: sends `count` chat requests to the mock server through a limit
// shared in Redis, and prints the admission times and response statuses as JSON.
// Usage: node redis-worker.mjs <redisUrl> <id> <serverUrl> <rpm> <tpm> <intervalMs> <count>
import { Redis } from 'ioredis';
import { createRateLimiter, estimateChatTokens } from '../dist/index.js';

const [redisUrl, id, serverUrl, rpm, tpm, intervalMs, count] = process.argv.slice(2);
const model = 'gpt-4o-mini';
const maxTokens = 40;
const client = new Redis(redisUrl);
const limiter = createRateLimiter({
  rpm: Number(rpm),
  tpm: Number(tpm),
  concurrency: 4,
  intervalMs: Number(intervalMs),
  redis: { client, id },
});
const admitted = [];
const statuses = [];
let next = 0;
const worker = async () => {
  for (let index = next++; index < Number(count); index = next++) {
    const messages = [{ role: 'user', content: `Question ${index}: ${'why '.repeat(index % 11)}?` }];
    const permit = await limiter.acquire({ tokens: estimateChatTokens(messages, model) + maxTokens });
    admitted.push(Date.now());
    const response = await fetch(`${serverUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, max_tokens: maxTokens, messages }),
    });
    limiter.observe(response.headers);
    statuses.push(response.status);
    const body = await response.json();
    permit.settle({ tokens: response.ok ? body.usage.prompt_tokens + maxTokens : 0 });
  }
};
await Promise.all([worker(), worker(), worker(), worker()]);
await limiter.close();
client.disconnect();
process.stdout.write(JSON.stringify({ admitted, statuses }));
