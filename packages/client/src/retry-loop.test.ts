import { createManualClock } from '@maxllm/core';
import { OutputValidationError } from '@maxllm/request';
import { APIConnectionTimeoutError, BadRequestError, InternalServerError, RateLimitError } from 'openai';
import { describe, expect, it } from 'vitest';
import { CompletionError, InvalidOutputError, QuotaExceededError } from './errors';
import { withRetries, type RetryOptions } from './retry';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function setup(overrides: Partial<RetryOptions> = {}) {
  const clock = createManualClock();
  const penalties: number[] = [];
  const options: RetryOptions = {
    maxRetries: 2,
    penalize: (ms) => penalties.push(ms),
    clock,
    logger: quiet,
    random: () => 0,
    backoff: { initialMs: 100, maxMs: 1000 },
    details: { model: 'm', uniqueName: 'u' },
    secrets: [],
    ...overrides,
  };
  return { clock, penalties, options };
}

/** An attempt function that throws the given errors in turn, then returns 'ok'. */
function failing(...errors: Error[]) {
  let calls = 0;
  const attempt = () => {
    const error = errors[calls++];
    return error === undefined ? Promise.resolve('ok') : Promise.reject(error);
  };
  return { attempt, calls: () => calls };
}

const headers = (values: Record<string, string> = {}) => new Headers(values);
const rateLimited = (type: string, wait = '250') =>
  new RateLimitError(
    429,
    { type, message: 'Rate limit reached' },
    undefined,
    headers({ 'retry-after-ms': wait }),
  );
const serverError = (values?: Record<string, string>) =>
  new InternalServerError(
    500,
    { message: 'boom' },
    undefined,
    headers({ 'x-request-id': 'req_1', ...values }),
  );

/** Runs the loop, advancing the manual clock whenever it sleeps. */
async function run(
  options: RetryOptions,
  attempt: () => Promise<string>,
  clock: ReturnType<typeof createManualClock>,
) {
  let settled = false;
  const promise = withRetries(attempt, options).finally(() => (settled = true));
  promise.catch(() => {});
  for (let step = 0; step < 100 && !settled; step++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!settled) clock.advance(10);
  }
  return { promise, elapsed: clock.now() };
}

describe('withRetries', () => {
  it('pauses the limiter for the 429 wait and tries again', async () => {
    const { options, penalties, clock } = setup();
    const { attempt, calls } = failing(rateLimited('requests'), rateLimited('tokens', '400'));
    const { promise } = await run(options, attempt, clock);
    await expect(promise).resolves.toBe('ok');
    expect(penalties).toEqual([250, 400]);
    expect(calls()).toBe(3);
  });

  it('stops on insufficient_quota', async () => {
    const { options, clock } = setup();
    const quota = new RateLimitError(
      429,
      { type: 'insufficient_quota', message: 'quota' },
      undefined,
      headers(),
    );
    const { promise } = await run(options, failing(quota).attempt, clock);
    await expect(promise).rejects.toBeInstanceOf(QuotaExceededError);
  });

  it('backs off on 5xx and timeouts up to maxRetries, honouring retry-after-ms', async () => {
    const { options, clock } = setup();
    const ok = failing(serverError({ 'retry-after-ms': '30' }), new APIConnectionTimeoutError());
    const { promise, elapsed } = await run(options, ok.attempt, clock);
    await expect(promise).resolves.toBe('ok');
    expect(elapsed).toBeGreaterThanOrEqual(30 + 200); // retry-after-ms 30, then 100 * 2^1 (no jitter)

    const down = failing(serverError(), serverError(), serverError());
    const second = setup();
    const failed = await run(second.options, down.attempt, second.clock);
    const error = await failed.promise.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CompletionError);
    expect(error).toMatchObject({
      status: 500,
      attempts: 3,
      requestId: 'req_1',
      model: 'm',
      uniqueName: 'u',
    });
  });

  it('does not retry other 4xx', async () => {
    const { options, clock } = setup();
    const bad = failing(new BadRequestError(400, { message: 'bad' }, undefined, headers()));
    const { promise } = await run(options, bad.attempt, clock);
    await expect(promise).rejects.toMatchObject({ status: 400, attempts: 1 });
    expect(bad.calls()).toBe(1);
  });

  it('re-asks after invalid output up to maxOutputRetries', async () => {
    const invalid = () => new OutputValidationError('not json', 'oops');
    const { options, clock } = setup({ maxOutputRetries: 2 });
    const recovered = failing(invalid(), invalid());
    await expect((await run(options, recovered.attempt, clock)).promise).resolves.toBe('ok');
    const hopeless = failing(invalid(), invalid(), invalid());
    const error = await (
      await run(options, hopeless.attempt, clock)
    ).promise.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidOutputError);
    expect(error).toMatchObject({ attempts: 3 });
  });

  it('gives the abort reason back when the caller aborts during a backoff', async () => {
    const controller = new AbortController();
    const { options, clock } = setup({ signal: controller.signal, backoff: { initialMs: 10_000 } });
    const promise = withRetries(failing(serverError()).attempt, options);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('stop'));
    await expect(promise).rejects.toThrow('stop');
    expect(clock.now()).toBe(0); // it never slept the 10 s
  });
});
