import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from './create-rate-limiter.js';
import { LimiterClosedError } from './errors.js';
import type { RateLimiter } from './types.js';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  if (process.env.CI) {
    it('has REDIS_URL under CI', () => {
      throw new Error('REDIS_URL is not set, but CI is: the ratelimit Redis suite must run');
    });
  } else {
    console.warn(
      'ratelimit: skipping the Redis suite (distributed mode): set REDIS_URL=redis://127.0.0.1:6379',
    );
  }
}

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** The largest number of admissions inside any window of `windowMs` (each window starts at an admission). */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe.skipIf(!redisUrl)('redis limiter (distributed mode)', () => {
  let client: Redis;
  const limiters: RateLimiter[] = [];
  const make = (options: Parameters<typeof createRateLimiter>[0]) => {
    const limiter = createRateLimiter(options);
    limiters.push(limiter);
    return limiter;
  };

  beforeAll(() => {
    client = new Redis(redisUrl!);
  });
  afterAll(async () => {
    await Promise.all(limiters.map((limiter) => limiter.close()));
    client.disconnect();
  });

  it('shares one request budget between two limiters with the same id', async () => {
    const id = `test-${randomUUID()}`;
    const intervalMs = 1000;
    const a = make({ rpm: 12, intervalMs, redis: { client, id } });
    const b = make({ rpm: 12, intervalMs, redis: { client, id } });
    const times: number[] = [];
    const stopAt = Date.now() + 2 * intervalMs;
    const loop = async (limiter: RateLimiter) => {
      while (Date.now() < stopAt) {
        const permit = await limiter.acquire({ tokens: 0 });
        if (Date.now() < stopAt) times.push(Date.now());
        permit.release();
      }
    };
    await Promise.all([loop(a), loop(b), loop(a), loop(b)]);
    expect(times.length).toBeGreaterThan(5);
    expect(busiestWindow(times, intervalMs)).toBeLessThanOrEqual(12);
    expect(a.stats()).toMatchObject({ mode: 'redis', inFlight: 0 });
  });

  it('shares a token budget, refunds on settle and lets an oversize request through alone', async () => {
    const id = `test-${randomUUID()}`;
    const a = make({ tpm: 1000, intervalMs: 60_000, redis: { client, id } });
    const b = make({ tpm: 1000, intervalMs: 60_000, redis: { client, id } });
    // The bucket holds floor(1000 / 22) = 45 tokens and refills 45 every 3 s.
    const first = await a.acquire({ tokens: 40 });
    const controller = new AbortController();
    const blocked = b.acquire({ tokens: 40, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(blocked).rejects.toMatchObject({ name: 'AbortError' });
    first.settle({ tokens: 0 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await b.acquire({ tokens: 40 });
    second.settle({ tokens: 40 });
    expect(b.stats()).toMatchObject({ admitted: 1, waiting: 0, inFlight: 0 });
  });

  it('shares concurrency: a slot held in one limiter blocks the other until released', async () => {
    const id = `test-${randomUUID()}`;
    const a = make({ concurrency: 1, redis: { client, id } });
    const b = make({ concurrency: 1, redis: { client, id } });
    const held = await a.acquire({ tokens: 1 });
    let admitted = false;
    const waiting = b.acquire({ tokens: 1 }).then((permit) => {
      admitted = true;
      return permit;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(admitted).toBe(false);
    held.release();
    (await waiting).release();
    expect(admitted).toBe(true);
  });

  it('spreads penalize() to every limiter with the same id and lowers the shared budget on observe()', async () => {
    const id = `test-${randomUUID()}`;
    const a = make({ rpm: 1000, tpm: 100_000, redis: { client, id } });
    const b = make({ rpm: 1000, tpm: 100_000, redis: { client, id } });
    (await a.acquire({ tokens: 1 })).release(); // both connected
    (await b.acquire({ tokens: 1 })).release();
    a.penalize(2000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(b.stats().pausedMs).toBeGreaterThan(0);
    const c = make({ rpm: 1000, tpm: 100_000, redis: { client, id: `test-${randomUUID()}` } });
    (await c.acquire({ tokens: 1 })).release();
    c.observe({ 'x-ratelimit-remaining-tokens': '0' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(c.acquire({ tokens: 100, signal: AbortSignal.timeout(300) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('rejects waiters with LimiterClosedError on close', async () => {
    const limiter = createRateLimiter({ concurrency: 1, redis: { client, id: `test-${randomUUID()}` } });
    const held = await limiter.acquire({ tokens: 1 });
    const waiting = limiter.acquire({ tokens: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const rejected = expect(waiting).rejects.toBeInstanceOf(LimiterClosedError);
    await limiter.close();
    await rejected;
    held.release();
  });

  describe('across processes', () => {
    beforeAll(() => {
      execFileSync('pnpm', ['run', 'build'], { cwd: packageDir, stdio: 'ignore' });
    }, 60_000);

    it('never admits more than the limit in any window, summed over two processes', async () => {
      const id = `test-${randomUUID()}`;
      const [rpm, intervalMs, durationMs] = [30, 1500, 4500];
      const worker = fileURLToPath(new URL('../test/redis-worker.mjs', import.meta.url));
      const args = [worker, redisUrl!, id, String(rpm), String(intervalMs), String(durationMs)];
      const outputs = await Promise.all([run(process.execPath, args), run(process.execPath, args)]);
      const perProcess = outputs.map(({ stdout }) => JSON.parse(stdout) as number[]);
      const all = perProcess.flat();
      expect(perProcess.every((times) => times.length > 0)).toBe(true);
      expect(busiestWindow(all, intervalMs)).toBeLessThanOrEqual(rpm);
      // Sharing works only if the two processes together stay near one budget, not two.
      expect(all.length).toBeLessThanOrEqual(rpm * (durationMs / intervalMs + 1));
    }, 30_000);
  });
});
