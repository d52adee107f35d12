import { createManualClock } from '@maxllm/core';
import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration';
import { createRandom } from './random';
import { RateLimitWindow } from './rate-limit-window';
import { generateText, pickLength } from './text-generator';
import { countTextTokens } from './tokens';
import { MockRequestError, MockServerError, MockServerOptionsError } from './errors';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [20, '20ms'],
    [999.2, '1s'],
    [1000, '1s'],
    [1500, '1.5s'],
    [360_000, '6m0s'],
    [61_250, '1m1.25s'],
    [3_723_000, '1h2m3s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('generateText', () => {
  it('returns exactly the asked number of o200k tokens', () => {
    for (let seed = 0; seed < 30; seed++) {
      const random = createRandom(seed);
      const tokens = 1 + ((seed * 37) % 300);
      expect(countTextTokens(generateText(random, tokens))).toBe(tokens);
    }
  });

  it('picks lengths within mean ± spread', () => {
    const random = createRandom(1);
    const lengths = Array.from({ length: 200 }, () => pickLength(random, 40, 0.5));
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(60);
    expect(new Set(lengths).size).toBeGreaterThan(10);
  });
});

describe('RateLimitWindow', () => {
  it('keeps charges in arrival order when a later arrival is committed first', () => {
    const clock = createManualClock(0);
    const window = new RateLimitWindow({ rpm: 2 }, 1000, clock);
    window.commit(0, 100);
    window.commit(0, 50);
    clock.advance(1060);
    // The charge that arrived at 50 has expired, the one at 100 has not: one of two requests used.
    expect(window.state().remainingRequests).toBe(1);
    // A request that arrived at 1040 still saw both; by now (1060) the wait is over.
    expect(window.check(0, 1040)).toMatchObject({ ok: false, kind: 'requests', retryAfterMs: 0 });
    expect(window.check(0, 1060).ok).toBe(true);
  });
});

describe('createManualClock', () => {
  it('runs due timers in order when advanced', () => {
    const clock = createManualClock(0);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push('b'), 20);
    clock.setTimeout(() => seen.push('a'), 10);
    const cancelled = clock.setTimeout(() => seen.push('never'), 15);
    clock.clearTimeout(cancelled);
    clock.advance(15);
    expect(seen).toEqual(['a']);
    clock.advance(5);
    expect(seen).toEqual(['a', 'b']);
    expect(clock.now()).toBe(20);
  });
});

describe('errors', () => {
  it('are branded and recognised by isInstance per class', () => {
    const error = new MockRequestError(400, 'bad', { param: 'x' });
    expect(MockServerError.isInstance(error)).toBe(true);
    expect(MockRequestError.isInstance(error)).toBe(true);
    expect(MockServerOptionsError.isInstance(error)).toBe(false);
    expect(MockServerError.isInstance(new Error('plain'))).toBe(false);
    expect(error.name).toBe('MockRequestError');
    expect(error.toBody()).toEqual({
      error: { message: 'bad', type: 'invalid_request_error', param: 'x', code: null },
    });
  });
});
