import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { planRedisTests } from './test-redis';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A local port that accepts connections (`keep`) or one nothing listens on (bound, then released). */
async function localPort(keep: boolean): Promise<number> {
  const listening = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  const { port } = listening.address() as AddressInfo;
  if (keep) server = listening;
  else await new Promise((resolve) => listening.close(resolve));
  return port;
}

describe('planRedisTests: the one Redis guard of the test files', () => {
  it('no REDIS_URL under CI: the tests must run, so the plan is a failure that says how to set it', async () => {
    const plan = await planRedisTests('ledger: Redis budget store', { CI: 'true' });
    expect(plan).toEqual({
      required: true,
      message:
        'ledger: Redis budget store: REDIS_URL is not set, but CI is: these tests must run (REDIS_URL=redis://127.0.0.1:6379).',
    });
  });

  it('no REDIS_URL and no CI (or CI=false): skipped, with a message naming the suite', async () => {
    for (const env of [{}, { CI: 'false' }, { CI: '' }, { CI: '0' }]) {
      const plan = await planRedisTests('client: shared limits', env);
      expect(plan).toEqual({
        required: false,
        message:
          'client: shared limits: skipped, REDIS_URL is not set (REDIS_URL=redis://127.0.0.1:6379 runs them).',
      });
    }
  });

  it('REDIS_URL set but nothing answers: a failure under CI and outside it, naming the host, never the password', async () => {
    const port = await localPort(false);
    for (const env of [{ CI: 'true' }, {}]) {
      const plan = await planRedisTests('ratelimit: Redis', {
        ...env,
        REDIS_URL: `redis://user:hunter2-pass@127.0.0.1:${port}`,
      });
      expect(plan.url).toBeUndefined();
      expect(plan).toMatchObject({ required: true });
      const message = (plan as { message: string }).message;
      expect(message).toBe(
        `ratelimit: Redis: REDIS_URL points at 127.0.0.1:${port}, but Redis does not answer there (ECONNREFUSED): start it, or unset REDIS_URL to skip these tests.`,
      );
      expect(message).not.toContain('hunter2');
    }
  });

  it('a REDIS_URL that is not a URL is a failure that does not echo it', async () => {
    const plan = await planRedisTests('x', { REDIS_URL: 'hunter2-secret-not-a-url' });
    expect(plan).toEqual({
      required: true,
      message: 'x: REDIS_URL is not a URL (expected REDIS_URL=redis://127.0.0.1:6379).',
    });
  });

  it('REDIS_URL that accepts connections: the tests run against it', async () => {
    const url = `redis://127.0.0.1:${await localPort(true)}`;
    expect(await planRedisTests('x', { CI: 'true', REDIS_URL: url })).toEqual({ url });
    expect(await planRedisTests('x', { REDIS_URL: url })).toEqual({ url });
  });
});
