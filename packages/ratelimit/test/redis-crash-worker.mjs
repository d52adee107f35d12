// Child process that takes the only concurrency slot of a shared limit and dies without releasing it.
// Usage: node redis-crash-worker.mjs <redisUrl> <id> <leaseMs>
import { Redis } from 'ioredis';
import { createRateLimiter } from '../dist/index.js';

const [redisUrl, id, leaseMs] = process.argv.slice(2);
const client = new Redis(redisUrl);
const limiter = createRateLimiter({ concurrency: 1, redis: { client, id, leaseMs: Number(leaseMs) } });
await limiter.acquire({ tokens: 1 });
process.stdout.write('holding');
process.exit(0); // no release, no close: as if the process had crashed
