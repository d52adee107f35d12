import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { redisUrlForTests } from '@maxllm/core/test-redis';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchStoppedError, RedisUnavailableError } from './errors';
import { startHarness, type Harness } from './test-harness';

const redisUrl = await redisUrlForTests('client: the shared (Redis) limit tests');

let harness: Harness;
afterEach(async () => harness?.close());

describe.skipIf(!redisUrl)('limits shared through Redis (config rate_limit.redis_url)', () => {
  it('two clients draw from one budget per unique name', async () => {
    const model = `client-redis-${process.pid}-${Date.now()}`; // a fresh shared limit for this run
    harness = await startHarness({ params: { rpm: 1 }, config: { rate_limit: { redis_url: redisUrl } } });
    await harness.client.complete({ model, prompt: 'a' });
    const other = harness.newClient();
    // The shared budget (rpm 1) is used up: the other client's call must wait, so its short deadline aborts it.
    await expect(
      other.complete({ model, prompt: 'b', signal: AbortSignal.timeout(300) }),
    ).rejects.toMatchObject({ name: expect.stringMatching(/Abort|Timeout/) });
    // With in-process limits (redis: false) the same call is admitted at once.
    const local = harness.newClient({ redis: false });
    expect(typeof (await local.complete({ model, prompt: 'c' }))).toBe('string');
    expect(harness.server.stats().byModel[model]?.requests).toBe(2);
  });
});

/** A local port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Issue 17 item 14: every call used to fail after ~1.6 s with ioredis's "Reached the max retries per request limit".
describe('a Redis URL that refuses connections fails once, before any request, naming the host', () => {
  it('complete, connect and batchComplete reject with RedisUnavailableError; nothing reaches the API', async () => {
    const port = await closedPort();
    harness = await startHarness({
      config: { rate_limit: { redis_url: `redis://maxllm:hunter2-pass@127.0.0.1:${port}` } },
    });
    const single = await harness.client
      .complete({ model: 'm', prompt: 'a' })
      .catch((error: unknown) => error);
    expect(single).toBeInstanceOf(RedisUnavailableError);
    expect((single as Error).message).toContain(`Cannot connect to Redis at 127.0.0.1:${port}`);
    expect((single as Error).message).not.toContain('hunter2');
    await expect(harness.client.connect()).rejects.toBeInstanceOf(RedisUnavailableError);

    const batch = await harness.client
      .batchComplete(
        Array.from({ length: 20 }, (_, index) => `prompt ${index}`),
        { model: 'm', concurrency: 4, progress: false },
      )
      .catch((error: unknown) => error);
    expect(batch).toBeInstanceOf(BatchStoppedError);
    expect((batch as Error).cause).toBeInstanceOf(RedisUnavailableError);
    expect(harness.logs.filter((line) => line.startsWith('Completion failed'))).toEqual([]);
    expect(harness.requests()).toBe(0);
    expect(harness.logs.join('\n')).not.toContain('hunter2');
  });
});
