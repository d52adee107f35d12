import { createManualClock } from '@maxllm/core';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './create-rate-limiter';
import { InvalidLimitError, LimiterClosedError, OversizedRequestError, RateLimiterError } from './errors';
import type { Permit } from './types';

/** Tracks a promise's outcome so a test can look at it synchronously after flushing microtasks. */
function track<T>(promise: Promise<T>) {
  const state: { value?: T; error?: unknown; done: boolean } = { done: false };
  promise.then(
    (value) => Object.assign(state, { value, done: true }),
    (error: unknown) => Object.assign(state, { error, done: true }),
  );
  return state;
}
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A limiter on a manual clock; the window tests turn pacing off (`burstMs: Infinity`) to see the window alone. */
function setup(options: Parameters<typeof createRateLimiter>[0] = {}) {
  const clock = createManualClock(1_000_000);
  const limiter = createRateLimiter({
    intervalMs: 1000,
    safetyMarginMs: 0,
    burstMs: Infinity,
    ...options,
    clock,
  });
  return { clock, limiter };
}

describe('local limiter: requests window', () => {
  it('admits rpm requests per window and the next one exactly when the oldest leaves the window', async () => {
    const { clock, limiter } = setup({ rpm: 2 });
    await limiter.acquire({ tokens: 0 });
    clock.advance(100);
    await limiter.acquire({ tokens: 0 });
    const third = track(limiter.acquire({ tokens: 0 }));
    await flush();
    expect(third.done).toBe(false);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(899);
    await flush();
    expect(third.done).toBe(false);
    clock.advance(1);
    await flush();
    expect(third.done).toBe(true);
    expect(limiter.stats()).toMatchObject({ admitted: 3, waiting: 0, inFlight: 3, requestsInWindow: 2 });
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('local limiter: safety margin', () => {
  it('counts an admission until intervalMs after its request finished, at most safetyMarginMs more', async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({ rpm: 1, intervalMs: 1000, clock }); // default margin: 1000 ms
    const first = await limiter.acquire({ tokens: 0 });
    clock.advance(30);
    first.settle({ tokens: 0 });
    const second = track(limiter.acquire({ tokens: 0 }));
    clock.advance(999);
    await flush();
    expect(second.done).toBe(false);
    clock.advance(1);
    await flush();
    expect(second.done).toBe(true);
    // `second` (admitted at 1030) never finishes: it stays counted until 1030 + 1000 + 1000.
    const third = track(limiter.acquire({ tokens: 0 }));
    clock.advance(3029 - clock.now());
    await flush();
    expect(third.done).toBe(false);
    clock.advance(1);
    await flush();
    expect(third.done).toBe(true);
  });

  it('caps the default margin at 3 s for long windows', async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({ rpm: 1, intervalMs: 600_000, clock });
    await limiter.acquire({ tokens: 0 });
    const next = track(limiter.acquire({ tokens: 0 }));
    clock.advance(602_999);
    await flush();
    expect(next.done).toBe(false);
    clock.advance(1);
    await flush();
    expect(next.done).toBe(true);
  });
});

describe('local limiter: tokens and reconciliation', () => {
  it('refunds unused tokens on settle so a waiter can go at once', async () => {
    const { clock, limiter } = setup({ tpm: 100 });
    const first = await limiter.acquire({ tokens: 60 });
    const second = track(limiter.acquire({ tokens: 60 }));
    await flush();
    expect(second.done).toBe(false);
    first.settle({ tokens: 30 });
    await flush();
    expect(second.done).toBe(true);
    expect(limiter.stats().tokensInWindow).toBe(90);
    expect(clock.now()).toBe(1_000_000);
  });

  it('charges tokens used beyond the estimate', async () => {
    const { clock, limiter } = setup({ tpm: 100 });
    const first = await limiter.acquire({ tokens: 10 });
    first.settle({ tokens: 95 });
    const second = track(limiter.acquire({ tokens: 10 }));
    await flush();
    expect(second.done).toBe(false);
    clock.advance(1000);
    await flush();
    expect(second.done).toBe(true);
  });

  it('charges a settle that arrives after the admission left the window', async () => {
    const { clock, limiter } = setup({ tpm: 100 });
    const first = await limiter.acquire({ tokens: 10 });
    clock.advance(1500);
    first.settle({ tokens: 100 });
    expect(limiter.stats().tokensInWindow).toBe(90);
  });

  it('fails a request larger than the whole tpm at once, naming both, and holds nothing back', async () => {
    const { limiter } = setup({ tpm: 100 });
    await limiter.acquire({ tokens: 50 });
    const big = await limiter.acquire({ tokens: 250 }).catch((error: unknown) => error);
    expect(big).toBeInstanceOf(OversizedRequestError);
    expect(big).toMatchObject({ tokens: 250, limit: 100 });
    expect((big as Error).message).toMatch(/250 tokens .* limit of 100 tokens/);
    // The next request is not held back by it: it goes at once.
    const small = track(limiter.acquire({ tokens: 1 }));
    await flush();
    expect(small.done).toBe(true);
    expect(limiter.stats()).toMatchObject({ admitted: 2, tokensInWindow: 51, waiting: 0 });
  });
});

describe('local limiter: concurrency and atomicity', () => {
  it('holds nothing while waiting for a concurrency slot', async () => {
    const { clock, limiter } = setup({ rpm: 10, tpm: 1000, concurrency: 1 });
    const first = await limiter.acquire({ tokens: 100 });
    const second = track(limiter.acquire({ tokens: 100 }));
    await flush();
    expect(second.done).toBe(false);
    expect(limiter.stats()).toMatchObject({ requestsInWindow: 1, tokensInWindow: 100, waiting: 1 });
    expect(clock.pendingTimers()).toBe(0);
    first.release();
    first.release();
    await flush();
    expect(second.done).toBe(true);
    expect(limiter.stats()).toMatchObject({ inFlight: 1, requestsInWindow: 2, tokensInWindow: 200 });
  });

  it('serves waiters first in, first out (a small request does not jump a large one)', async () => {
    const { clock, limiter } = setup({ tpm: 100 });
    await limiter.acquire({ tokens: 90 });
    const order: number[] = [];
    const large = limiter.acquire({ tokens: 50 }).then(() => order.push(50));
    const small = limiter.acquire({ tokens: 5 }).then(() => order.push(5));
    await flush();
    expect(order).toEqual([]);
    clock.advance(1000);
    await Promise.all([large, small]);
    expect(order).toEqual([50, 5]);
  });
});

describe('local limiter: cancellation', () => {
  it('rejects an aborted waiter, takes nothing and lets the next waiter through', async () => {
    const { clock, limiter } = setup({ rpm: 1, tpm: 100 });
    const first = await limiter.acquire({ tokens: 10 });
    const controller = new AbortController();
    const cancelled = track(limiter.acquire({ tokens: 80, signal: controller.signal }));
    const next = track(limiter.acquire({ tokens: 80 }));
    controller.abort();
    await flush();
    expect(cancelled.error).toMatchObject({ name: 'AbortError' });
    expect(limiter.stats()).toMatchObject({ waiting: 1, requestsInWindow: 1, tokensInWindow: 10 });
    first.settle({ tokens: 10 });
    clock.advance(1000);
    await flush();
    expect(next.done).toBe(true);
    expect(limiter.stats()).toMatchObject({
      waiting: 0,
      admitted: 2,
      requestsInWindow: 1,
      tokensInWindow: 80,
    });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('leaves no timer behind when the only waiter is aborted', async () => {
    const { clock, limiter } = setup({ rpm: 1 });
    await limiter.acquire({ tokens: 0 });
    const controller = new AbortController();
    const waiter = track(limiter.acquire({ tokens: 0, signal: controller.signal }));
    await flush();
    expect(clock.pendingTimers()).toBe(1);
    controller.abort(new Error('user cancelled'));
    await flush();
    expect((waiter.error as Error).message).toBe('user cancelled');
    expect(clock.pendingTimers()).toBe(0);
    expect(limiter.stats().waiting).toBe(0);
  });

  it('rejects at once for an already aborted signal', async () => {
    const { limiter } = setup({ rpm: 1 });
    await expect(limiter.acquire({ tokens: 1, signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(limiter.stats()).toMatchObject({ admitted: 0, requestsInWindow: 0 });
  });
});

describe('local limiter: provider feedback', () => {
  it('never lets more through than x-ratelimit-remaining says, until the reset', async () => {
    const { clock, limiter } = setup({ rpm: 100, tpm: 10_000 });
    limiter.observe(
      new Headers({
        'x-ratelimit-remaining-requests': '2',
        'x-ratelimit-reset-requests': '300ms',
        'x-ratelimit-remaining-tokens': '9000',
        'x-ratelimit-reset-tokens': '1s',
      }),
    );
    await limiter.acquire({ tokens: 1 });
    await limiter.acquire({ tokens: 1 });
    const third = track(limiter.acquire({ tokens: 1 }));
    await flush();
    expect(third.done).toBe(false);
    clock.advance(300);
    await flush();
    expect(third.done).toBe(true);
    expect(limiter.stats().tokensInWindow).toBe(1000 + 3);
  });

  it('does not raise capacity when the provider reports more left than the limit allows', async () => {
    const { limiter } = setup({ rpm: 1 });
    await limiter.acquire({ tokens: 0 });
    limiter.observe({ 'X-RateLimit-Remaining-Requests': '500', 'x-ratelimit-reset-requests': '1ms' });
    const second = track(limiter.acquire({ tokens: 0 }));
    await flush();
    expect(second.done).toBe(false);
  });

  it('pauses all admission after penalize()', async () => {
    const { clock, limiter } = setup({ rpm: 1000 });
    limiter.penalize(500);
    const waiter = track(limiter.acquire({ tokens: 0 }));
    clock.advance(499);
    await flush();
    expect(waiter.done).toBe(false);
    expect(limiter.stats().pausedMs).toBe(1);
    clock.advance(1);
    await flush();
    expect(waiter.done).toBe(true);
  });
});

describe('local limiter: lifecycle and validation', () => {
  it('rejects waiters on close and later acquires', async () => {
    const { clock, limiter } = setup({ concurrency: 1 });
    const held: Permit = await limiter.acquire({ tokens: 0 });
    const waiter = track(limiter.acquire({ tokens: 0 }));
    await limiter.close();
    await flush();
    expect(waiter.error).toBeInstanceOf(LimiterClosedError);
    expect(RateLimiterError.isInstance(waiter.error)).toBe(true);
    await expect(limiter.acquire({ tokens: 0 })).rejects.toBeInstanceOf(LimiterClosedError);
    held.release();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects invalid limits and token counts', async () => {
    expect(() => createRateLimiter({ rpm: 0 })).toThrow(InvalidLimitError);
    // Below one request it would never admit anything: a slower rate is a longer window.
    expect(() => createRateLimiter({ rpm: 0.5 })).toThrow(/rpm must be at least 1, got 0.5/);
    expect(() => createRateLimiter({ concurrency: 0.9 })).toThrow(/concurrency must be at least 1/);
    expect(() => createRateLimiter({ tpm: Number.NaN })).toThrow(/tpm/);
    expect(() => createRateLimiter({ intervalMs: Infinity })).toThrow(InvalidLimitError);
    expect(() => createRateLimiter({ safetyMarginMs: -1 })).toThrow(/safetyMarginMs/);
    const { limiter } = setup();
    expect(() => limiter.acquire({ tokens: -1 })).toThrow(InvalidLimitError);
    const permit = await limiter.acquire({ tokens: 1 });
    expect(() => permit.settle({ tokens: Number.NaN })).toThrow(InvalidLimitError);
  });
});
