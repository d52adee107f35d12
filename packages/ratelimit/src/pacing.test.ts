import { createManualClock } from '@maxllm/core';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './create-rate-limiter';
import type { RateLimiterOptions } from './types';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Starts `count` acquires at once and records, on the manual clock, when each is admitted. */
function startMany(limiter: ReturnType<typeof createRateLimiter>, count: number, tokens = 0) {
  const admittedAt: number[] = [];
  const clock = { now: 0 };
  const permits = Array.from({ length: count }, () =>
    limiter.acquire({ tokens }).then((permit) => {
      admittedAt.push(clock.now);
      return permit;
    }),
  );
  return { admittedAt, permits, clock };
}

function setup(options: RateLimiterOptions) {
  const clock = createManualClock(0);
  return { clock, limiter: createRateLimiter({ intervalMs: 60_000, ...options, clock }) };
}

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

/** Keeps `callers` loops acquiring and releasing until `untilMs`, moving the clock in `stepMs`; admission times. */
async function backlog(options: RateLimiterOptions, untilMs: number, stepMs: number, tokens = 0) {
  const { clock, limiter } = setup(options);
  const times: number[] = [];
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const permit = await limiter.acquire({ tokens });
      if (stopped) return;
      times.push(clock.now());
      permit.release();
    }
  };
  const loops = Array.from({ length: 8 }, loop);
  while (clock.now() < untilMs) {
    await flush();
    clock.advance(stepMs);
  }
  stopped = true;
  await limiter.close();
  await Promise.allSettled(loops);
  return times;
}

describe('pacing (local mode)', () => {
  it('spreads requests evenly over the window: after an idle spell one goes, then one every intervalMs/rpm', async () => {
    const { clock, limiter } = setup({ rpm: 600 }); // 100 ms per request; default burst 100 ms = 1 request
    const many = startMany(limiter, 5);
    await flush();
    expect(many.admittedAt).toHaveLength(1);
    for (let step = 2; step <= 5; step++) {
      clock.advance(99);
      await flush();
      expect(many.admittedAt).toHaveLength(step - 1);
      clock.advance(1);
      await flush();
      expect(many.admittedAt).toHaveLength(step);
    }
    expect(limiter.stats().burstMs).toBe(100);
  });

  it('keeps its schedule after a wake-up up to 20 ms late (event-loop lag is not lost on every admission)', async () => {
    const { clock, limiter } = setup({ rpm: 600 }); // 100 ms per request
    (await limiter.acquire({ tokens: 0 })).release(); // at 0: the next is due at 100
    clock.advance(115); // the caller comes 15 ms late: admitted at once, and the next is still due at 200
    (await limiter.acquire({ tokens: 0 })).release();
    let third = false;
    void limiter.acquire({ tokens: 0 }).then(() => (third = true));
    clock.advance(84);
    await flush();
    expect(third).toBe(false);
    clock.advance(1); // 200
    await flush();
    expect(third).toBe(true);
    // Behind by more than 20 ms (an idle spell): the pace starts again from now, no catch-up burst.
    clock.advance(300);
    (await limiter.acquire({ tokens: 0 })).release();
    let fifth = false;
    void limiter.acquire({ tokens: 0 }).then(() => (fifth = true));
    clock.advance(99);
    await flush();
    expect(fifth).toBe(false);
    clock.advance(1);
    await flush();
    expect(fifth).toBe(true);
  });

  it('lets burstMs worth of the limit go at once (burstMs: Infinity = the whole window, the old behaviour)', async () => {
    const { limiter } = setup({ rpm: 600, burstMs: 500 });
    const many = startMany(limiter, 8);
    await flush();
    expect(many.admittedAt).toHaveLength(5);
    const unpaced = setup({ rpm: 600, burstMs: Infinity }).limiter;
    const all = startMany(unpaced, 600);
    await flush();
    expect(all.admittedAt).toHaveLength(600);
  });

  it('paces tokens: a request waits until the tokens before it have been paid off, refunds count at once', async () => {
    const { clock, limiter } = setup({ tpm: 6000 }); // 10 ms per token
    const first = await limiter.acquire({ tokens: 100 });
    let second = false;
    void limiter.acquire({ tokens: 100 }).then(() => (second = true));
    clock.advance(400);
    await flush();
    expect(second).toBe(false);
    first.settle({ tokens: 50 }); // 50 tokens given back: paid off at 500 ms instead of 1000
    clock.advance(99);
    await flush();
    expect(second).toBe(false);
    clock.advance(1);
    await flush();
    expect(second).toBe(true);
  });

  it('never admits more than rpm in any window and uses the whole limit in steady state', async () => {
    const windowMs = 60_000;
    // A large burst (10 s) so that bursts do happen; the window must still hold.
    for (const burstMs of [undefined, 10_000]) {
      const times = await backlog({ rpm: 120, burstMs, safetyMarginMs: 0 }, 3 * windowMs, 50);
      expect(busiestWindow(times, windowMs)).toBeLessThanOrEqual(120);
      const inThreeWindows = times.filter((time) => time < 3 * windowMs).length;
      expect(inThreeWindows / (3 * 120)).toBeGreaterThanOrEqual(0.98);
    }
  });

  it('halves the burst after repeated 429s while the window has room, not when the window is full', async () => {
    const { limiter } = setup({ rpm: 600, burstMs: 400 });
    (await limiter.acquire({ tokens: 0 })).release();
    limiter.penalize(10);
    expect(limiter.stats().burstMs).toBe(400);
    limiter.penalize(10);
    expect(limiter.stats().burstMs).toBe(200);
    limiter.penalize(10);
    limiter.penalize(10);
    expect(limiter.stats().burstMs).toBe(100);

    const full = setup({ rpm: 2, burstMs: Infinity }).limiter;
    await full.acquire({ tokens: 0 });
    await full.acquire({ tokens: 0 });
    full.penalize(10);
    full.penalize(10);
    expect(full.stats().burstMs).toBe(Infinity);
  });

  it('once the burst is 0, further 429s with room slow the pace by 2% each pair, at most 10%', async () => {
    const { clock, limiter } = setup({ rpm: 600, burstMs: 0 }); // 100 ms per request
    limiter.penalize(1);
    limiter.penalize(1);
    expect(limiter.stats()).toMatchObject({ burstMs: 0, paceSlack: 0.02 });
    clock.advance(1);
    (await limiter.acquire({ tokens: 0 })).release();
    let next = false;
    void limiter.acquire({ tokens: 0 }).then(() => (next = true));
    clock.advance(101);
    await flush();
    expect(next).toBe(false); // 102 ms per request now
    clock.advance(1);
    await flush();
    expect(next).toBe(true);
    for (let index = 0; index < 20; index++) limiter.penalize(1);
    expect(limiter.stats().paceSlack).toBe(0.1);
  });

  it('after shrinking, admits fewer at once', async () => {
    const { clock, limiter } = setup({ rpm: 600, burstMs: 400 });
    limiter.penalize(10);
    limiter.penalize(10);
    clock.advance(10);
    const many = startMany(limiter, 5);
    await flush();
    expect(many.admittedAt).toHaveLength(2);
  });
});
