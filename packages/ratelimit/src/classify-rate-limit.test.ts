import { describe, expect, it } from 'vitest';
import { classifyRateLimit } from './classify-rate-limit';

const body = (error: Record<string, unknown>) => ({ error });

describe('classifyRateLimit', () => {
  it('does not wait for x-ratelimit-reset-* (the time to a full budget, up to a whole window)', () => {
    const verdict = classifyRateLimit({
      status: 429,
      headers: new Headers({ 'x-ratelimit-reset-requests': '1m30.5s', 'x-ratelimit-reset-tokens': '2s' }),
      body: body({
        type: 'requests',
        code: 'rate_limit_exceeded',
        message: 'Rate limit reached for requests',
      }),
    });
    expect(verdict).toEqual({ action: 'wait', kind: 'requests', waitMs: 1000 });
  });

  it('calls "Request too large" too_large with its limit and size, not a wait', () => {
    const verdict = classifyRateLimit({
      status: 429,
      headers: { 'retry-after-ms': '60000' },
      body: body({
        type: 'tokens',
        code: 'rate_limit_exceeded',
        message:
          'Request too large for gpt-4o-mini in organization org-x on tokens per min (TPM): Limit 40,000, ' +
          'Requested 1,250,013. The input or output tokens must be reduced in order to run successfully.',
      }),
    });
    expect(verdict).toEqual({ action: 'too_large', limit: 40_000, requested: 1_250_013 });
  });

  it('waits on a tokens limit, preferring retry-after-ms', () => {
    const verdict = classifyRateLimit({
      status: 429,
      headers: { 'retry-after-ms': '250', 'x-ratelimit-reset-tokens': '6m0s' },
      error: { type: 'tokens', code: 'rate_limit_exceeded', message: 'x' },
    });
    expect(verdict).toEqual({ action: 'wait', kind: 'tokens', waitMs: 250 });
  });

  it('reads the kind and the wait from a rate_limit_exceeded message', () => {
    const verdict = classifyRateLimit({
      status: 429,
      body: body({
        code: 'rate_limit_exceeded',
        message:
          'Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000. Please try again in 20ms.',
      }),
    });
    expect(verdict).toEqual({ action: 'wait', kind: 'tokens', waitMs: 20 });
  });

  it('uses retry-after seconds for an unknown type', () => {
    expect(
      classifyRateLimit({ status: 429, headers: { 'retry-after': '3' }, body: { error: { type: 'x' } } }),
    ).toEqual({
      action: 'wait',
      kind: 'unknown',
      waitMs: 3000,
    });
  });

  it('reads an HTTP-date retry-after', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const headers = { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' };
    expect(classifyRateLimit({ headers }, { now })).toMatchObject({ waitMs: 5000 });
  });

  it('falls back to the default backoff with nothing to go on', () => {
    expect(classifyRateLimit({ status: 429 })).toEqual({ action: 'wait', kind: 'unknown', waitMs: 1000 });
    expect(classifyRateLimit({ status: 429, body: 'oops' }, { defaultWaitMs: 7 })).toMatchObject({
      waitMs: 7,
    });
  });

  it('stops on insufficient_quota and billing limits', () => {
    expect(
      classifyRateLimit({
        status: 429,
        body: body({ type: 'insufficient_quota', code: 'insufficient_quota' }),
      }),
    ).toEqual({ action: 'stop', reason: 'insufficient_quota' });
    expect(
      classifyRateLimit({
        status: 429,
        body: body({ message: 'You exceeded your current quota, please check.' }),
      }),
    ).toEqual({ action: 'stop', reason: 'insufficient_quota' });
    expect(classifyRateLimit({ status: 429, error: { code: 'billing_hard_limit_reached' } })).toEqual({
      action: 'stop',
      reason: 'billing',
    });
  });
});
