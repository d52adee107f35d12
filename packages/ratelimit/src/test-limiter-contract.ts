import { createManualClock, type ManualClock } from '@maxllm/core';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidLimitError, LimiterClosedError, OversizedRequestError, RateLimiterError } from './errors';
import type { RateLimiter, RateLimiterOptions } from './types';

/** One limiter under test, and how to wait until it has nothing left in progress. */
export interface LimiterUnderTest {
  limiter: RateLimiter;
  /** Resolves once every operation the limiter started has finished (local: one macrotask; Redis: round trips). */
  idle: () => Promise<void>;
}

/** Builds a limiter of one implementation from `options`; `options.clock` drives all of its time. */
export type MakeLimiter = (options: RateLimiterOptions & { clock: ManualClock }) => LimiterUnderTest;

/** Tracks a promise's outcome so a test can look at it once the limiter is idle. */
function track<T>(promise: Promise<T>) {
  const state: { value?: T; error?: unknown; done: boolean } = { done: false };
  promise.then(
    (value) => Object.assign(state, { value, done: true }),
    (error: unknown) => Object.assign(state, { error, done: true }),
  );
  return state;
}

/**
 * The largest sum of `amounts` (default: 1 each) admitted inside any window of `windowMs`, each window starting at
 * an admission; `times[i]` is when `amounts[i]` was admitted.
 */
export function busiestWindow(times: number[], windowMs: number, amounts?: number[]): number {
  const order = times.map((time, index) => ({ time, amount: amounts?.[index] ?? 1 }));
  order.sort((a, b) => a.time - b.time);
  let best = 0;
  let sum = 0;
  let start = 0;
  for (const item of order) {
    sum += item.amount;
    while (item.time - order[start]!.time >= windowMs) sum -= order[start++]!.amount;
    best = Math.max(best, sum);
  }
  return best;
}

/**
 * The behaviour every rate limiter implementation promises, run once per implementation (the unstorage
 * `testDriver` pattern): the window, pacing, token accounting, concurrency, cancellation, 429 feedback and close.
 * Time is a manual clock, so nothing sleeps and no assertion depends on how fast the machine is.
 */
export function describeLimiterContract(name: string, makeLimiter: MakeLimiter): void {
  describe(`rate limiter contract: ${name}`, () => {
    const open: RateLimiter[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((limiter) => limiter.close()));
    });

    /** A limiter on a manual clock; window tests turn pacing off (`burstMs: Infinity`) to see the window alone. */
    const setup = (options: RateLimiterOptions = {}, start = 1_000_000) => {
      const clock = createManualClock(start);
      const { limiter, idle } = makeLimiter({
        intervalMs: 1000,
        safetyMarginMs: 0,
        burstMs: Infinity,
        paceSlack: 0, // exact step times; the default slack has its own test
        warmupMs: 0, // and no warm-up after an idle spell (its own test too)
        ...options,
        clock,
      });
      open.push(limiter);
      const advance = async (ms: number) => {
        clock.advance(ms);
        await idle();
      };
      return { clock, limiter, idle, advance };
    };

    /** Two 429s (`penalize` twice, the pair that teaches the limiter), then waits until it has taken them in. */
    const penalizeTwice = async ({ limiter, idle }: LimiterUnderTest, retryAfterMs = 10) => {
      limiter.penalize(retryAfterMs);
      limiter.penalize(retryAfterMs);
      await idle();
    };

    /** Starts `count` acquires at once; `admitted` counts those granted so far. */
    const startMany = (limiter: RateLimiter, count: number, tokens = 0) => {
      const state = { admitted: 0 };
      for (let index = 0; index < count; index++) {
        void limiter.acquire({ tokens }).then(
          () => state.admitted++,
          () => undefined,
        );
      }
      return state;
    };

    describe('window', () => {
      it('admits rpm requests per window and the next one exactly when the oldest leaves the window', async () => {
        const { limiter, idle, advance } = setup({ rpm: 2 });
        await limiter.acquire({ tokens: 0 });
        await advance(100);
        await limiter.acquire({ tokens: 0 });
        const third = track(limiter.acquire({ tokens: 0 }));
        await idle();
        expect(third.done).toBe(false);
        await advance(899);
        expect(third.done).toBe(false);
        await advance(1);
        expect(third.done).toBe(true);
        expect(limiter.stats()).toMatchObject({ admitted: 3, waiting: 0, inFlight: 3, requestsInWindow: 2 });
      });

      it('counts an admission until intervalMs after its request finished, at most safetyMarginMs more', async () => {
        // Default margin: min(intervalMs, 3000) = 1000 ms.
        const { clock, limiter, idle, advance } = setup({ rpm: 1, safetyMarginMs: undefined }, 0);
        const first = await limiter.acquire({ tokens: 0 });
        await advance(30);
        first.settle({ tokens: 0 });
        await idle();
        const second = track(limiter.acquire({ tokens: 0 }));
        await advance(999);
        expect(second.done).toBe(false);
        await advance(1);
        expect(second.done).toBe(true);
        // `second` (admitted at 1030) never finishes: it stays counted until 1030 + 1000 + 1000.
        const third = track(limiter.acquire({ tokens: 0 }));
        await advance(3029 - clock.now());
        expect(third.done).toBe(false);
        await advance(1);
        expect(third.done).toBe(true);
      });

      it('caps the default margin at 3 s for long windows', async () => {
        const { limiter, advance } = setup({ rpm: 1, intervalMs: 600_000, safetyMarginMs: undefined });
        await limiter.acquire({ tokens: 0 });
        const next = track(limiter.acquire({ tokens: 0 }));
        await advance(602_999);
        expect(next.done).toBe(false);
        await advance(1);
        expect(next.done).toBe(true);
      });
    });

    describe('tokens and reconciliation', () => {
      it('refunds unused tokens on settle, so a waiter can go at once', async () => {
        const { clock, limiter, idle } = setup({ tpm: 100 });
        const first = await limiter.acquire({ tokens: 60 });
        const second = track(limiter.acquire({ tokens: 60 }));
        await idle();
        expect(second.done).toBe(false);
        first.settle({ tokens: 30 });
        await idle();
        expect(second.done).toBe(true);
        expect(limiter.stats().tokensInWindow).toBe(90);
        expect(clock.now()).toBe(1_000_000);
      });

      it('charges tokens used beyond the estimate', async () => {
        const { limiter, idle, advance } = setup({ tpm: 100 });
        const first = await limiter.acquire({ tokens: 10 });
        first.settle({ tokens: 95 });
        const second = track(limiter.acquire({ tokens: 10 }));
        await idle();
        expect(second.done).toBe(false);
        await advance(1000);
        expect(second.done).toBe(true);
      });

      it('charges a settle that arrives after the admission left the window, from then on', async () => {
        const { limiter, idle, advance } = setup({ tpm: 100 });
        const first = await limiter.acquire({ tokens: 10 });
        await advance(1500);
        first.settle({ tokens: 100 });
        await idle();
        expect(limiter.stats().tokensInWindow).toBe(90);
      });

      it('counts whole tokens: a fractional count is rounded up', async () => {
        const { limiter, idle } = setup({ tpm: 100 });
        const permit = await limiter.acquire({ tokens: 10.2 });
        expect(permit.tokens).toBe(11);
        permit.settle({ tokens: 20.5 });
        await idle();
        expect(limiter.stats().tokensInWindow).toBe(21);
      });

      it('fails a request larger than the whole tpm at once, naming both, and holds nothing back', async () => {
        const { limiter, idle } = setup({ tpm: 100 });
        await limiter.acquire({ tokens: 50 });
        const big = await limiter.acquire({ tokens: 250 }).catch((error: unknown) => error);
        expect(big).toBeInstanceOf(OversizedRequestError);
        expect(big).toMatchObject({ tokens: 250, limit: 100 });
        expect((big as Error).message).toMatch(/250 tokens .* limit of 100 tokens/);
        const small = track(limiter.acquire({ tokens: 1 }));
        await idle();
        expect(small.done).toBe(true);
        expect(limiter.stats()).toMatchObject({ admitted: 2, tokensInWindow: 51, waiting: 0 });
      });

      it('rejects a token count that is not a finite number >= 0, on acquire and on settle', async () => {
        const { limiter } = setup();
        expect(() => limiter.acquire({ tokens: -1 })).toThrow(InvalidLimitError);
        const permit = await limiter.acquire({ tokens: 1 });
        expect(() => permit.settle({ tokens: Number.NaN })).toThrow(InvalidLimitError);
        permit.release();
      });
    });

    describe('pacing', () => {
      const paced = (options: RateLimiterOptions) => setup({ intervalMs: 60_000, ...options }, 0);

      it('runs 1% under the limit by default (paceSlack), and exactly at it with paceSlack: 0', async () => {
        const { limiter, idle, advance } = paced({ rpm: 600, burstMs: undefined, paceSlack: undefined });
        expect(limiter.stats().paceSlack).toBe(0.01);
        (await limiter.acquire({ tokens: 0 })).release();
        const next = track(limiter.acquire({ tokens: 0 }));
        await idle();
        await advance(100); // exactly at the limit, it would go now
        expect(next.done).toBe(false);
        await advance(1); // 101 ms: 100 × 1.01
        expect(next.done).toBe(true);
      });

      it('refuses a paceSlack that is not a number from 0 to 0.1', () => {
        for (const paceSlack of [-0.01, 0.2, Number.NaN, Infinity]) {
          expect(() => paced({ rpm: 600, paceSlack })).toThrow(InvalidLimitError);
        }
      });

      it('warms up after an idle spell: 20% under the limit for warmupMs (default intervalMs / 60), then the pace', async () => {
        const { clock, limiter, idle, advance } = paced({
          rpm: 600,
          burstMs: undefined,
          paceSlack: undefined,
          warmupMs: undefined,
        });
        const times: number[] = [];
        const acquireMany = async (count: number) => {
          for (let index = 0; index < count; index++) {
            void limiter.acquire({ tokens: 0 }).then(
              () => times.push(clock.now()),
              () => undefined,
            );
          }
          await idle();
        };
        /** Each next admission comes exactly `gap` ms after the one before. */
        const expectGaps = async (...gaps: number[]) => {
          for (const gap of gaps) {
            const before = times.length;
            await advance(gap - 1);
            expect(times).toHaveLength(before);
            await advance(1);
            expect(times).toHaveLength(before + 1);
          }
        };
        await acquireMany(13);
        // 100 ms × 1.2 while the first second lasts (admissions at 0, 120, ... 960), the step across its end 40 ms of
        // it (108.6 ms: the admission comes at the next whole millisecond), then 100 ms × 1.01.
        await expectGaps(...Array<number>(8).fill(120), 109, 101, 101, 101);
        expect(Math.ceil(times.at(-1)!)).toBe(1372);
        // Why: the first requests go on new connections and reach the provider later than the ones after them. Here
        // the first arrives 130 ms late, the second 110 ms: still no second holds more than 10 (600 per minute). At
        // 1% under the limit throughout, the eleventh (1010 ms after the first) would arrive within the first's second.
        const arrivals = times.map((time, index) => time + ([130, 110][index] ?? 0));
        expect(busiestWindow(arrivals, 1000)).toBe(10);

        await advance(600); // at 1972: idle for ~499 ms since the pace emptied at ~1473, less than warmupMs
        await acquireMany(2);
        await expectGaps(101);
        await advance(1101); // at 3174: idle for 1000 ms since 2174: warm up again
        await acquireMany(2);
        await expectGaps(120);

        // A slow pace is stretched by 20% of the warm-up only, not of its whole step: 30 s + 200 ms at 2 rpm.
        const slow = paced({ rpm: 2, burstMs: undefined, paceSlack: 0, warmupMs: undefined });
        (await slow.limiter.acquire({ tokens: 0 })).release();
        const second = track(slow.limiter.acquire({ tokens: 0 }));
        await slow.advance(30_199);
        expect(second.done).toBe(false);
        await slow.advance(1);
        expect(second.done).toBe(true);
        expect(() => paced({ rpm: 600, warmupMs: -1 })).toThrow(InvalidLimitError);
      });

      it('spreads requests evenly: after an idle spell one goes, then one every intervalMs / rpm', async () => {
        const { limiter, idle, advance } = paced({ rpm: 600, burstMs: undefined }); // 100 ms each; burst 100 ms
        const many = startMany(limiter, 5);
        await idle();
        expect(many.admitted).toBe(1);
        for (let step = 2; step <= 5; step++) {
          await advance(99);
          expect(many.admitted).toBe(step - 1);
          await advance(1);
          expect(many.admitted).toBe(step);
        }
        expect(limiter.stats().burstMs).toBe(100);
      });

      it('lets burstMs worth of the limit go at once (burstMs: Infinity: the whole window)', async () => {
        const { limiter, idle } = paced({ rpm: 600, burstMs: 500 });
        const many = startMany(limiter, 8);
        await idle();
        expect(many.admitted).toBe(5);
        const unpaced = paced({ rpm: 600, burstMs: Infinity });
        const all = startMany(unpaced.limiter, 600);
        await unpaced.idle();
        expect(all.admitted).toBe(600);
      });

      it('restarts the pace from a late admission, never catching up, and from now after an idle spell', async () => {
        // A provider counting per second refuses the request that "catches up": it goes closer than the pace.
        const { limiter, idle, advance } = paced({ rpm: 600, burstMs: undefined }); // 100 ms per request
        (await limiter.acquire({ tokens: 0 })).release(); // at 0: the next is due at 100
        await advance(115); // nobody waited at 100: the next one comes 15 ms late
        (await limiter.acquire({ tokens: 0 })).release();
        const third = track(limiter.acquire({ tokens: 0 }));
        await idle();
        await advance(85); // 200: caught up, it would go now, 85 ms after the late one
        expect(third.done).toBe(false);
        await advance(15); // 215: one full step after the late one
        expect(third.done).toBe(true);
        third.value!.release();
        await advance(300);
        (await limiter.acquire({ tokens: 0 })).release();
        const fifth = track(limiter.acquire({ tokens: 0 }));
        await idle();
        await advance(99);
        expect(fifth.done).toBe(false);
        await advance(1);
        expect(fifth.done).toBe(true);
      });

      it("keeps the pace's schedule through a timer's lateness (up to 2 ms), and restarts after more", async () => {
        // Node wakes a waiter up to ~2 ms after its time: restarting from each wake-up lost ~0.5% of the limit.
        const { limiter, idle, advance } = paced({ rpm: 600, burstMs: undefined }); // 100 ms per request
        (await limiter.acquire({ tokens: 0 })).release(); // at 0: the next is due at 100
        await advance(102); // 2 ms late
        (await limiter.acquire({ tokens: 0 })).release();
        const third = track(limiter.acquire({ tokens: 0 }));
        await idle();
        await advance(97); // 199
        expect(third.done).toBe(false);
        await advance(1); // 200: due when the schedule said, 98 ms after the late one
        expect(third.done).toBe(true);
        third.value!.release();
        await advance(103); // 303: 3 ms late, more than a timer's lateness
        (await limiter.acquire({ tokens: 0 })).release();
        const fifth = track(limiter.acquire({ tokens: 0 }));
        await idle();
        await advance(99); // 402
        expect(fifth.done).toBe(false);
        await advance(1); // 403: one full step after the late one
        expect(fifth.done).toBe(true);
        fifth.value!.release();
      });

      it('spaces the requests admitted after a late send from when it left (permit.sent)', async () => {
        // A busy event loop held the first request back after its admission: it reached the provider with the
        // second, and a provider counting per second would see the third one step after both.
        const { limiter, idle, advance } = paced({ rpm: 600, burstMs: undefined }); // 100 ms per request
        const first = await limiter.acquire({ tokens: 0 }); // at 0
        first.sent(); // on time: changes nothing
        await idle();
        const second = track(limiter.acquire({ tokens: 0 }));
        await advance(99);
        expect(second.done).toBe(false);
        await advance(1); // 100
        expect(second.done).toBe(true);
        await advance(50);
        first.sent(); // 150: the first request left only now
        await idle();
        const third = track(limiter.acquire({ tokens: 0 }));
        await advance(197); // 347: without sent() it went at 200
        expect(third.done).toBe(false);
        await advance(1); // 348: two steps after the first one left, less the 2 ms a send may take (on time)
        expect(third.done).toBe(true);
        first.release();
        second.value!.release();
        third.value!.release();
      });

      it('paces tokens: a request waits until the tokens before it are paid off; a refund counts at once', async () => {
        const { limiter, idle, advance } = paced({ tpm: 6000, burstMs: undefined }); // 10 ms per token
        const first = await limiter.acquire({ tokens: 100 });
        const second = track(limiter.acquire({ tokens: 100 }));
        await advance(400);
        expect(second.done).toBe(false);
        first.settle({ tokens: 50 }); // 50 tokens back: paid off at 500 ms instead of 1000
        await idle();
        await advance(99);
        expect(second.done).toBe(false);
        await advance(1);
        expect(second.done).toBe(true);
      });

      it('never admits more than rpm in any window, and uses the whole limit in steady state', async () => {
        const intervalMs = 6000;
        // A large burst (1 s: 10 requests) so that bursts do happen; the window must still hold.
        for (const burstMs of [undefined, 1000]) {
          const { clock, limiter, idle } = setup({ rpm: 60, intervalMs, burstMs }, 0);
          const times: number[] = [];
          let stopped = false;
          const loop = async () => {
            while (!stopped) {
              const permit = await limiter.acquire({ tokens: 0 });
              if (stopped) return;
              times.push(clock.now());
              permit.release();
            }
          };
          const loops = Array.from({ length: 8 }, loop);
          while (clock.now() < 3 * intervalMs) {
            await idle();
            clock.advance(50);
          }
          stopped = true;
          const ended = Promise.allSettled(loops);
          await limiter.close();
          await ended;
          expect(busiestWindow(times, intervalMs)).toBeLessThanOrEqual(60);
          const inThreeWindows = times.filter((time) => time < 3 * intervalMs).length;
          expect(inThreeWindows / (3 * 60)).toBeGreaterThanOrEqual(0.98);
        }
      }, 60_000); // hundreds of clock steps, each a Redis round trip in Redis mode

      it('never admits more than tpm in any window, refunds included, and uses the tokens in steady state', async () => {
        const [intervalMs, tpm] = [3000, 6000]; // 2 tokens per ms
        const { clock, limiter, idle } = setup({ tpm, intervalMs, burstMs: undefined }, 0);
        const times: number[] = [];
        const used: number[] = [];
        let stopped = false;
        let next = 0;
        const loop = async () => {
          while (!stopped) {
            const permit = await limiter.acquire({ tokens: 100 });
            if (stopped) return;
            const tokens = 40 + ((next++ * 37) % 61); // 40..100: always a refund
            times.push(clock.now());
            used.push(tokens);
            permit.settle({ tokens });
          }
        };
        const loops = Array.from({ length: 8 }, loop);
        while (clock.now() < 3 * intervalMs) {
          await idle();
          clock.advance(1); // a waiter goes at the first step at or after its time: late by under 1 ms
        }
        stopped = true;
        const ended = Promise.allSettled(loops);
        await limiter.close();
        await ended;
        expect(busiestWindow(times, intervalMs, used)).toBeLessThanOrEqual(tpm);
        const inThreeWindows = used.filter((_, index) => times[index]! < 3 * intervalMs);
        expect(inThreeWindows.reduce((sum, tokens) => sum + tokens, 0) / (3 * tpm)).toBeGreaterThanOrEqual(
          0.95,
        );
      }, 60_000);
    });

    describe('429s and provider headers', () => {
      it('pauses all admission for the retry-after time of penalize()', async () => {
        const { limiter, idle, advance } = setup({ rpm: 1000 });
        limiter.penalize(500);
        await idle();
        const waiter = track(limiter.acquire({ tokens: 0 }));
        await advance(499);
        expect(waiter.done).toBe(false);
        expect(limiter.stats().pausedMs).toBe(1);
        await advance(1);
        expect(waiter.done).toBe(true);
        expect(limiter.stats().pausedMs).toBe(0);
      });

      it('ignores a retry-after that is not a positive finite time', async () => {
        const { limiter, idle } = setup({ rpm: 1000 });
        for (const ms of [0, -5, Number.NaN, Infinity]) limiter.penalize(ms);
        await idle();
        expect(limiter.stats().pausedMs).toBe(0);
        const waiter = track(limiter.acquire({ tokens: 0 }));
        await idle();
        expect(waiter.done).toBe(true);
      });

      it('halves the burst after every second 429 while the window has room, not when the window is full', async () => {
        const { limiter, idle } = setup({ rpm: 600, intervalMs: 60_000, burstMs: 400 });
        (await limiter.acquire({ tokens: 0 })).release();
        limiter.penalize(10);
        await idle();
        expect(limiter.stats().burstMs).toBe(400);
        limiter.penalize(10);
        await idle();
        expect(limiter.stats().burstMs).toBe(200);
        await penalizeTwice({ limiter, idle });
        expect(limiter.stats().burstMs).toBe(100);

        const full = setup({ rpm: 2 });
        await full.limiter.acquire({ tokens: 0 });
        await full.limiter.acquire({ tokens: 0 });
        await penalizeTwice(full);
        expect(full.limiter.stats().burstMs).toBe(Infinity);
      });

      it('learns from 429s while the window is nearly full, as long as it has room for one more', async () => {
        // A pace at the limit keeps the window near full in steady state: a 429 there is still the provider's
        // shorter quantum, not the local window's verdict.
        const { limiter, idle } = setup({ rpm: 10, intervalMs: 60_000, burstMs: 60_000 }); // 6 s per request
        for (let index = 0; index < 9; index++) (await limiter.acquire({ tokens: 0 })).release();
        expect(limiter.stats().requestsInWindow).toBe(9);
        await penalizeTwice({ limiter, idle });
        expect(limiter.stats().burstMs).toBe(30_000);
      });

      it("goes strictly even at once when half the burst is less than one request's time", async () => {
        const { limiter, idle } = setup({ rpm: 600, intervalMs: 60_000, burstMs: 150 }); // 100 ms per request
        await penalizeTwice({ limiter, idle });
        expect(limiter.stats().burstMs).toBe(0);
      });

      it("slows the pace at the first pair of 429s when the burst is one request's time (strictly even already)", async () => {
        const { limiter, idle } = setup({ rpm: 600, intervalMs: 60_000, burstMs: 100 }); // 100 ms per request
        await penalizeTwice({ limiter, idle });
        expect(limiter.stats()).toMatchObject({ burstMs: 0, paceSlack: 0.02 });
        const slack = setup({ rpm: 600, intervalMs: 60_000, burstMs: 0, paceSlack: 0.01 });
        await penalizeTwice(slack);
        expect(slack.limiter.stats().paceSlack).toBe(0.03); // learned on top of the configured slack
      });

      it('after shrinking, admits fewer at once', async () => {
        const { limiter, idle, advance } = setup({ rpm: 600, intervalMs: 60_000, burstMs: 400 });
        await penalizeTwice({ limiter, idle });
        await advance(10);
        const many = startMany(limiter, 5);
        await idle();
        expect(many.admitted).toBe(2);
      });

      it('once the burst is 0, each further pair of 429s with room slows the pace by 2%, at most 10%', async () => {
        const { limiter, idle, advance } = setup({ rpm: 600, intervalMs: 60_000, burstMs: 0 }); // 100 ms each
        await penalizeTwice({ limiter, idle }, 1);
        expect(limiter.stats()).toMatchObject({ burstMs: 0, paceSlack: 0.02 });
        await advance(1);
        (await limiter.acquire({ tokens: 0 })).release();
        const next = track(limiter.acquire({ tokens: 0 }));
        await advance(101);
        expect(next.done).toBe(false); // 102 ms per request now
        await advance(1);
        expect(next.done).toBe(true);
        for (let index = 0; index < 20; index++) limiter.penalize(1);
        await idle();
        expect(limiter.stats().paceSlack).toBe(0.1);
      });

      it('never lets more through than x-ratelimit-remaining says, until the reset', async () => {
        const { limiter, idle, advance } = setup({ rpm: 100, tpm: 10_000 });
        limiter.observe(
          new Headers({
            'x-ratelimit-remaining-requests': '2',
            'x-ratelimit-reset-requests': '300ms',
            'x-ratelimit-remaining-tokens': '9000',
            'x-ratelimit-reset-tokens': '1s',
          }),
        );
        await idle();
        await limiter.acquire({ tokens: 1 });
        await limiter.acquire({ tokens: 1 });
        const third = track(limiter.acquire({ tokens: 1 }));
        await idle();
        expect(third.done).toBe(false);
        await advance(300);
        expect(third.done).toBe(true);
        expect(limiter.stats().tokensInWindow).toBe(1000 + 3);
      });

      it('does not raise capacity when the provider reports more left than the limit allows', async () => {
        const { limiter, idle } = setup({ rpm: 1 });
        await limiter.acquire({ tokens: 0 });
        limiter.observe({ 'X-RateLimit-Remaining-Requests': '500', 'x-ratelimit-reset-requests': '1ms' });
        await idle();
        const second = track(limiter.acquire({ tokens: 0 }));
        await idle();
        expect(second.done).toBe(false);
      });
    });

    describe('concurrency', () => {
      it('holds nothing while waiting for a slot; release frees the slot (once)', async () => {
        const { limiter, idle } = setup({ rpm: 10, tpm: 1000, concurrency: 1 });
        const first = await limiter.acquire({ tokens: 100 });
        const second = track(limiter.acquire({ tokens: 100 }));
        await idle();
        expect(second.done).toBe(false);
        expect(limiter.stats()).toMatchObject({
          requestsInWindow: 1,
          tokensInWindow: 100,
          waiting: 1,
          inFlight: 1,
        });
        first.release();
        first.release();
        await idle();
        expect(second.done).toBe(true);
        expect(limiter.stats()).toMatchObject({ inFlight: 1, requestsInWindow: 2, tokensInWindow: 200 });
        second.value!.settle({ tokens: 100 });
        await idle();
        expect(limiter.stats()).toMatchObject({ inFlight: 0, waiting: 0 });
      });

      it('serves waiters first in, first out (a small request does not jump a large one)', async () => {
        const { limiter, idle, advance } = setup({ tpm: 100 });
        await limiter.acquire({ tokens: 90 });
        const order: number[] = [];
        const large = limiter.acquire({ tokens: 50 }).then(() => order.push(50));
        const small = limiter.acquire({ tokens: 5 }).then(() => order.push(5));
        await idle();
        expect(order).toEqual([]);
        await advance(1000);
        await Promise.all([large, small]);
        expect(order).toEqual([50, 5]);
      });
    });

    describe('cancellation', () => {
      it('rejects an aborted waiter, takes nothing and lets the next waiter through', async () => {
        const { limiter, idle, advance } = setup({ rpm: 1, tpm: 100 });
        const first = await limiter.acquire({ tokens: 10 });
        const controller = new AbortController();
        const cancelled = track(limiter.acquire({ tokens: 80, signal: controller.signal }));
        const next = track(limiter.acquire({ tokens: 80 }));
        await idle();
        controller.abort();
        await idle();
        expect(cancelled.error).toMatchObject({ name: 'AbortError' });
        expect(limiter.stats()).toMatchObject({ waiting: 1, requestsInWindow: 1, tokensInWindow: 10 });
        first.settle({ tokens: 10 });
        await advance(1000);
        expect(next.done).toBe(true);
        expect(limiter.stats()).toMatchObject({
          waiting: 0,
          admitted: 2,
          requestsInWindow: 1,
          tokensInWindow: 80,
        });
      });

      it("rejects with the signal's reason when the only waiter is aborted", async () => {
        const { limiter, idle } = setup({ rpm: 1 });
        await limiter.acquire({ tokens: 0 });
        const controller = new AbortController();
        const waiter = track(limiter.acquire({ tokens: 0, signal: controller.signal }));
        await idle();
        controller.abort(new Error('user cancelled'));
        await idle();
        expect((waiter.error as Error).message).toBe('user cancelled');
        expect(limiter.stats()).toMatchObject({ waiting: 0, admitted: 1 });
      });

      it('rejects at once for an already aborted signal', async () => {
        const { limiter } = setup({ rpm: 1 });
        await expect(limiter.acquire({ tokens: 1, signal: AbortSignal.abort() })).rejects.toMatchObject({
          name: 'AbortError',
        });
        expect(limiter.stats()).toMatchObject({ admitted: 0, requestsInWindow: 0, waiting: 0 });
      });
    });

    describe('close', () => {
      it('rejects waiters and later acquires with LimiterClosedError, and leaves no timer behind', async () => {
        const { clock, limiter, idle } = setup({ rpm: 1, concurrency: 1 });
        const held = await limiter.acquire({ tokens: 0 });
        const waiter = track(limiter.acquire({ tokens: 0 }));
        await idle();
        await limiter.close();
        await idle();
        expect(waiter.error).toBeInstanceOf(LimiterClosedError);
        expect(RateLimiterError.isInstance(waiter.error)).toBe(true);
        await expect(limiter.acquire({ tokens: 0 })).rejects.toBeInstanceOf(LimiterClosedError);
        held.release(); // a permit still held may be returned after close
        await idle();
        expect(clock.pendingTimers()).toBe(0);
      });
    });
  });
}
