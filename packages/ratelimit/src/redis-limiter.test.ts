import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createManualClock } from '@maxllm/core';
import { redisUrlForTests } from '@maxllm/core/test-redis';
import { createMockServer } from '@maxllm/mock-server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRateLimiter } from './create-rate-limiter';
import { LimiterBackendError } from './errors';
import { busiestWindow, describeLimiterContract } from './test-limiter-contract';
import type { RateLimiter, RedisClientLike } from './types';

const redisUrl = await redisUrlForTests('ratelimit: the Redis suite (distributed mode)');

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

interface WorkerOutput {
  admitted: number[];
  statuses: number[];
}

/**
 * The real client, counting its commands in flight (scripts, and the event connection's SUBSCRIBE) so a test can
 * wait until the limiter has nothing left in progress before it looks.
 */
function counted(client: Redis): { client: RedisClientLike; idle: () => Promise<void> } {
  let busy = 0;
  const count = <T>(call: Promise<T>): Promise<T> => {
    busy++;
    return call.finally(() => busy--);
  };
  return {
    client: {
      evalsha: (...args) => count(client.evalsha(...args)),
      eval: (...args) => count(client.eval(...args)),
      duplicate() {
        const subscriber = client.duplicate();
        const subscribe = subscriber.subscribe.bind(subscriber) as (channel: string) => Promise<unknown>;
        Object.assign(subscriber, { subscribe: (channel: string) => count(subscribe(channel)) });
        return subscriber;
      },
    },
    idle: async () => {
      for (let quiet = 0; quiet < 3; quiet = busy === 0 ? quiet + 1 : 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
  };
}

if (redisUrl) {
  const shared = new Redis(redisUrl);
  afterAll(() => shared.disconnect());
  // The script reads the test's manual clock (`time: 'clock'`) instead of Redis's TIME, so the shared window,
  // pace and pauses move only when the test moves the clock.
  describeLimiterContract('redis', (options) => {
    const { client, idle } = counted(shared);
    const redis = { client, id: `test-${randomUUID()}`, time: 'clock' as const };
    return { limiter: createRateLimiter({ ...options, redis }), idle };
  });
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

  it('shares a token budget and refunds on settle', async () => {
    const id = `test-${randomUUID()}`;
    // Pacing off (burstMs: Infinity): this is about the window.
    const a = make({ tpm: 1000, intervalMs: 60_000, burstMs: Infinity, redis: { client, id } });
    const b = make({ tpm: 1000, intervalMs: 60_000, burstMs: Infinity, redis: { client, id } });
    const first = await a.acquire({ tokens: 600 });
    const blocked = b.acquire({ tokens: 600, signal: AbortSignal.timeout(200) });
    await expect(blocked).rejects.toMatchObject({ name: 'TimeoutError' });
    first.settle({ tokens: 100 }); // 500 refunded
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await b.acquire({ tokens: 600 });
    expect(b.stats()).toMatchObject({ tokensInWindow: 700, requestsInWindow: 2 });
    second.settle({ tokens: 900 }); // 300 more charged: 1000 in the window
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(a.acquire({ tokens: 1, signal: AbortSignal.timeout(200) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(a.stats()).toMatchObject({ tokensInWindow: 1000, waiting: 0, inFlight: 0 });
  });

  it('paces admissions across limiters with the same id: one request per intervalMs / rpm after a burst', async () => {
    const id = `test-${randomUUID()}`;
    // 10 s per request, burst 100 ms: the first goes, the second (from either limiter) waits its turn.
    const options = { rpm: 60, intervalMs: 600_000, burstMs: 100, redis: { client, id } };
    const [a, b] = [make(options), make(options)];
    (await a.acquire({ tokens: 0 })).release();
    await expect(b.acquire({ tokens: 0, signal: AbortSignal.timeout(300) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(b.stats()).toMatchObject({ requestsInWindow: 1, burstMs: 100 });
    // Unpaced, the same window lets the next one go at once.
    const unpaced = make({ ...options, burstMs: Infinity, redis: { client, id: `test-${randomUUID()}` } });
    (await unpaced.acquire({ tokens: 0 })).release();
    (await unpaced.acquire({ tokens: 0, signal: AbortSignal.timeout(5000) })).release();
  });

  it("warms the shared pace up for a process's first admission, though the pace is busy", async () => {
    // A process joining a busy limit sends its first request on a new connection, which reaches the provider late;
    // the pace after it runs 20% slow for warmupMs, as after an idle spell. `a` has no warm-up of its own (0).
    const id = `test-${randomUUID()}`;
    const clock = createManualClock(1_000_000);
    const { client: countedClient, idle } = counted(client);
    const redis = { client: countedClient, id, time: 'clock' as const };
    const options = { rpm: 600, intervalMs: 60_000, paceSlack: 0, clock, redis }; // 100 ms per request
    const a = make({ ...options, warmupMs: 0 });
    const b = make({ ...options, warmupMs: 1000 });
    const advance = async (ms: number) => {
      clock.advance(ms);
      await idle();
    };
    (await a.acquire({ tokens: 0 })).release(); // at 0
    await advance(100);
    (await a.acquire({ tokens: 0 })).release(); // at 100: the pace is busy, not idle
    await advance(100);
    (await b.acquire({ tokens: 0 })).release(); // at 200: b's first admission
    let next = false;
    void a.acquire({ tokens: 0 }).then((permit) => {
      next = true;
      permit.release();
    });
    await advance(100); // 300: one step at the full limit
    expect(next).toBe(false);
    await advance(20); // 320: b's step stretched by 20%
    expect(next).toBe(true);
  });

  it('halves the shared burst after repeated 429s while the window has room', async () => {
    const id = `test-${randomUUID()}`;
    const options = { rpm: 600, burstMs: 400, redis: { client, id } };
    const [a, b] = [make(options), make(options)];
    (await a.acquire({ tokens: 0 })).release();
    a.penalize(1);
    a.penalize(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    (await b.acquire({ tokens: 0, signal: AbortSignal.timeout(5000) })).release();
    expect(b.stats().burstMs).toBe(200);
  });

  it('slows the shared pace by 2% per pair of 429s with room once the burst is 0', async () => {
    const id = `test-${randomUUID()}`;
    const options = { rpm: 600, burstMs: 0, paceSlack: 0, redis: { client, id } };
    const [a, b] = [make(options), make(options)];
    (await a.acquire({ tokens: 0 })).release();
    a.penalize(1);
    a.penalize(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    (await b.acquire({ tokens: 0, signal: AbortSignal.timeout(5000) })).release();
    expect(b.stats()).toMatchObject({ burstMs: 0, paceSlack: 0.02 });
  });

  it('takes requests, tokens and the slot together: a waiter holds none of them', async () => {
    const id = `test-${randomUUID()}`;
    const options = { tpm: 100, concurrency: 1, burstMs: Infinity, redis: { client, id } };
    const [a, b, c] = [make(options), make(options), make(options)];
    const holder = await a.acquire({ tokens: 10 });
    const waiting = b.acquire({ tokens: 60 }); // waits for the slot
    // One connection: Redis runs c's acquire after b's, and refuses it (the slot is taken, b is ahead).
    const controller = new AbortController();
    const refused = c.acquire({ tokens: 1, signal: controller.signal });
    await vi.waitFor(() => expect(c.stats().requestsInWindow).toBeGreaterThan(0), { timeout: 10_000 });
    controller.abort();
    await expect(refused).rejects.toMatchObject({ name: 'AbortError' });
    // What Redis counted when c was refused: a's request only; b waits without its 60 tokens or a request.
    expect(c.stats()).toMatchObject({ requestsInWindow: 1, tokensInWindow: 10 });
    holder.release();
    const permit = await waiting;
    expect(b.stats()).toMatchObject({ requestsInWindow: 2, tokensInWindow: 70, inFlight: 1 });
    permit.release();
  });

  it('keeps arrival order across processes: a small request does not take what an earlier large one waits for', async () => {
    const id = `test-${randomUUID()}`;
    const options = { tpm: 100, intervalMs: 1500, burstMs: Infinity, redis: { client, id } };
    const [a, b, c] = [make(options), make(options), make(options)];
    (await a.acquire({ tokens: 50 })).settle({ tokens: 50 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    (await a.acquire({ tokens: 50 })).settle({ tokens: 50 });
    // b (80 tokens) needs both of a's admissions to leave the window. c (10 tokens, arriving later) would fit as soon
    // as the first one leaves, but that would delay b: c may go only once there is room for b as well.
    const large = b.acquire({ tokens: 80 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const small = c.acquire({ tokens: 10 }).then((permit) => ({ permit, window: c.stats().tokensInWindow }));
    const [first, second] = await Promise.all([large, small]);
    // What the shared window held right after c's admission: c alone (10) or b and c (90), never a's second 50.
    expect([10, 90]).toContain(second.window);
    first.release();
    second.permit.release();
  });

  it('gives a place in line back when its waiter is aborted', async () => {
    const id = `test-${randomUUID()}`;
    const options = { tpm: 100, intervalMs: 60_000, burstMs: Infinity, redis: { client, id } };
    const [a, b] = [make(options), make(options)];
    (await a.acquire({ tokens: 50 })).settle({ tokens: 50 });
    // b's large waiter is ahead in line; once it is aborted, a's small request fits at once.
    await expect(b.acquire({ tokens: 80, signal: AbortSignal.timeout(200) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    (await a.acquire({ tokens: 40, signal: AbortSignal.timeout(5000) })).release();
    expect(a.stats()).toMatchObject({ tokensInWindow: 90 });
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

  it('renews the lease of a live permit: its slot outlasts leaseMs while it is held', async () => {
    const id = `test-${randomUUID()}`;
    const options = { concurrency: 1, redis: { client, id, leaseMs: 2000 } };
    const [a, b] = [make(options), make(options)];
    const held = await a.acquire({ tokens: 1 });
    // Over two leases long: without renewal the slot would be reclaimed after 2 s and b admitted.
    await expect(b.acquire({ tokens: 1, signal: AbortSignal.timeout(4500) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    held.release();
    (await b.acquire({ tokens: 1, signal: AbortSignal.timeout(5000) })).release();
  });

  it('spreads penalize() to every limiter with the same id and lowers the shared budget on observe()', async () => {
    const id = `test-${randomUUID()}`;
    const a = make({ rpm: 1000, tpm: 100_000, redis: { client, id } });
    const b = make({ rpm: 1000, tpm: 100_000, redis: { client, id } });
    (await a.acquire({ tokens: 1 })).release(); // both connected
    (await b.acquire({ tokens: 1 })).release();
    a.penalize(2000);
    await vi.waitFor(() => expect(b.stats().pausedMs).toBeGreaterThan(0), { timeout: 10_000 });
    const c = make({ rpm: 1000, tpm: 100_000, redis: { client, id: `test-${randomUUID()}` } });
    (await c.acquire({ tokens: 1 })).release();
    c.observe({ 'x-ratelimit-remaining-tokens': '0' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(c.acquire({ tokens: 100, signal: AbortSignal.timeout(300) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  describe('across processes', () => {
    beforeAll(() => {
      execFileSync('pnpm', ['run', 'build'], { cwd: packageDir, stdio: 'ignore' });
    }, 60_000);

    it('two processes share one limit: the mock server answers every request without a 429', async () => {
      const id = `test-${randomUUID()}`;
      const [rpm, tpm, intervalMs, each] = [30, 1500, 1500, 30];
      const server = await createMockServer({ limits: { rpm, tpm }, windowMs: intervalMs });
      try {
        const worker = fileURLToPath(new URL('../test/redis-worker.mjs', import.meta.url));
        const args = [worker, redisUrl!, id, server.url, String(rpm), String(tpm), String(intervalMs)];
        const outputs = await Promise.all([0, 1].map(() => run(process.execPath, [...args, String(each)])));
        const results = outputs.map(({ stdout }) => JSON.parse(stdout) as WorkerOutput);
        const statuses = results.flatMap((result) => result.statuses);
        expect(statuses).toHaveLength(2 * each);
        expect(statuses.every((status) => status === 200)).toBe(true);
        expect(server.stats().rateLimited).toBe(0);
        // Either process alone may send a whole window's worth at once: only sharing keeps the sum under the limit.
        expect(
          busiestWindow(
            results.flatMap((result) => result.admitted),
            intervalMs,
          ),
        ).toBeLessThanOrEqual(rpm);
      } finally {
        await server.close();
      }
    }, 60_000);

    it("frees a crashed process's concurrency slot when its lease runs out", async () => {
      const id = `test-${randomUUID()}`;
      const worker = fileURLToPath(new URL('../test/redis-crash-worker.mjs', import.meta.url));
      const { stdout } = await run(process.execPath, [worker, redisUrl!, id, '1000']);
      expect(stdout).toBe('holding');
      const limiter = make({ concurrency: 1, redis: { client, id } });
      // The slot is still taken by the dead process; without the lease this would wait forever.
      await expect(limiter.acquire({ tokens: 1, signal: AbortSignal.timeout(100) })).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      (await limiter.acquire({ tokens: 1, signal: AbortSignal.timeout(20_000) })).release();
    }, 30_000);
  });
});

describe('redis limiter: bad options and an unreachable Redis (no server needed)', () => {
  const unreachable = () =>
    new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });

  it('names a bad id, leaseMs or time', () => {
    const client = unreachable();
    expect(() => createRateLimiter({ redis: { client, id: '' } })).toThrow(/redis\.id/);
    expect(() => createRateLimiter({ redis: { client, id: 'x', leaseMs: 10 } })).toThrow(
      /redis\.leaseMs must be a finite number >= 1000, got 10/,
    );
    expect(() => createRateLimiter({ redis: { client, id: 'x', time: 'host' as 'clock' } })).toThrow(
      /redis\.time must be 'redis' or 'clock', got "host"/,
    );
    client.disconnect();
  });

  it('rejects acquire() with LimiterBackendError (the client error as cause) when Redis fails', async () => {
    const client = unreachable();
    client.on('error', () => undefined);
    const limiter = createRateLimiter({ rpm: 10, redis: { client, id: 'unreachable' } });
    const failure = await limiter.acquire({ tokens: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LimiterBackendError);
    expect((failure as Error).message).toMatch(/^acquire: the Redis admission script failed: /);
    expect((failure as Error).cause).toBeInstanceOf(Error);
    await limiter.close();
    client.disconnect();
  });
});
