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
});
