// Child process for the multi-process Redis test: acquires from a shared limit for `durationMs` and prints the
// admission times as JSON. Usage: node redis-worker.mjs <redisUrl> <id> <rpm> <intervalMs> <durationMs>
import { Redis } from 'ioredis';
import { createRateLimiter } from '../dist/index.js';

const [url, id, rpm, intervalMs, durationMs] = process.argv.slice(2);
const client = new Redis(url);
const limiter = createRateLimiter({
  rpm: Number(rpm),
  intervalMs: Number(intervalMs),
  redis: { client, id },
});
const stopAt = Date.now() + Number(durationMs);
const admitted = [];
const worker = async () => {
  while (Date.now() < stopAt) {
    const permit = await limiter.acquire({ tokens: 1 });
    if (Date.now() < stopAt) admitted.push(Date.now());
    permit.settle({ tokens: 1 });
  }
};
const timer = setTimeout(() => void limiter.close(), Number(durationMs));
await Promise.allSettled([worker(), worker(), worker()]);
clearTimeout(timer);
await limiter.close();
client.disconnect();
process.stdout.write(JSON.stringify(admitted));
