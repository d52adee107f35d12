import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness';

const redisUrl = process.env.REDIS_URL;
const skip = !redisUrl && !process.env.CI;
if (skip) console.warn('client: shared (Redis) limit tests skipped: REDIS_URL is not set.');

let harness: Harness;
afterEach(async () => harness?.close());

describe.skipIf(skip)('limits shared through Redis (config rate_limit.redis_url)', () => {
  it('two clients draw from one budget per unique name', async () => {
    if (!redisUrl) throw new Error('REDIS_URL must be set under CI for the shared-limit tests.');
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
