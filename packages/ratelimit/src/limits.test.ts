import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './create-rate-limiter';
import { InvalidLimitError } from './errors';

describe('createRateLimiter options', () => {
  it('rejects invalid limits, naming the option and the value', () => {
    expect(() => createRateLimiter({ rpm: 0 })).toThrow(InvalidLimitError);
    // Below one request it would never admit anything: a slower rate is a longer window.
    expect(() => createRateLimiter({ rpm: 0.5 })).toThrow(/rpm must be at least 1, got 0.5/);
    expect(() => createRateLimiter({ concurrency: 0.9 })).toThrow(/concurrency must be at least 1/);
    expect(() => createRateLimiter({ tpm: Number.NaN })).toThrow(/tpm/);
    expect(() => createRateLimiter({ intervalMs: Infinity })).toThrow(InvalidLimitError);
    expect(() => createRateLimiter({ safetyMarginMs: -1 })).toThrow(/safetyMarginMs/);
    expect(() => createRateLimiter({ burstMs: -1 })).toThrow(/burstMs/);
  });

  it('defaults burstMs to a tenth of a second per minute of window, and to at least 50 ms', async () => {
    const burstOf = async (intervalMs: number): Promise<number> => {
      const limiter = createRateLimiter({ rpm: 600, intervalMs });
      const { burstMs } = limiter.stats();
      await limiter.close();
      return burstMs;
    };
    expect(await burstOf(60_000)).toBe(100);
    expect(await burstOf(600_000)).toBe(1000);
    // A short window's tenth-per-minute (5 ms at 3 s) is below timer lateness: every late wake-up lost capacity.
    expect(await burstOf(3000)).toBe(50);
  });
});
