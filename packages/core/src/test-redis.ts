import { connect } from 'node:net';
import { it } from 'vitest';

/**
 * What a test file's Redis-backed tests do: run against `url`, or not run, and then either fail the test run
 * (`required`: under CI, or when `REDIS_URL` names a Redis that does not answer) or are skipped with `message`.
 */
export type RedisTestPlan = { url: string } | { url?: undefined; required: boolean; message: string };

/** Where Redis runs in the tests' documentation and CI. */
const EXAMPLE = 'REDIS_URL=redis://127.0.0.1:6379';
/** How long the reachability check waits for a TCP connection. @unit ms */
const CONNECT_TIMEOUT_MS = 2_000;

/** `CI` set to anything but empty, `false` or `0` (the way CI services set it: `CI=true`). */
function underCi(env: Record<string, string | undefined>): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** Resolves to `undefined` when `host:port` accepts a TCP connection, else to the socket error's code. */
function tryConnect(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: CONNECT_TIMEOUT_MS });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`no answer within ${CONNECT_TIMEOUT_MS} ms`);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/**
 * Decides, from `REDIS_URL` and `CI`, whether the Redis-backed tests named `suite` run: with no `REDIS_URL` they are
 * skipped, except under CI, where a missing Redis is a failure; a `REDIS_URL` that nothing answers on is a failure
 * (setting it asks for the tests). Messages name the host and port, never the URL's password.
 */
export async function planRedisTests(
  suite: string,
  env: Record<string, string | undefined> = process.env,
): Promise<RedisTestPlan> {
  const url = env.REDIS_URL;
  if (!url) {
    return underCi(env)
      ? {
          required: true,
          message: `${suite}: REDIS_URL is not set, but CI is: these tests must run (${EXAMPLE}).`,
        }
      : { required: false, message: `${suite}: skipped, REDIS_URL is not set (${EXAMPLE} runs them).` };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { required: true, message: `${suite}: REDIS_URL is not a URL (expected ${EXAMPLE}).` };
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(parsed.port || 6379);
  const failure = await tryConnect(host, port);
  if (failure === undefined) return { url };
  return {
    required: true,
    message: `${suite}: REDIS_URL points at ${parsed.host || host}, but Redis does not answer there (${failure}): start it, or unset REDIS_URL to skip these tests.`,
  };
}

/**
 * The one Redis guard of the test files: resolves to the `REDIS_URL` to run the Redis-backed tests named `suite`
 * against, or to `undefined` after printing why they are skipped, or after adding a failing test (under CI without
 * Redis, or a `REDIS_URL` that does not answer). Call it at the top of a test file:
 * `const redisUrl = await redisUrlForTests('ledger: Redis budget store')`, then `describe.skipIf(!redisUrl)`.
 */
export async function redisUrlForTests(suite: string): Promise<string | undefined> {
  const plan = await planRedisTests(suite);
  if (plan.url !== undefined) return plan.url;
  if (plan.required) {
    it(`${suite}: Redis is reachable`, () => {
      throw new Error(plan.message);
    });
  } else {
    console.warn(plan.message);
  }
  return undefined;
}
