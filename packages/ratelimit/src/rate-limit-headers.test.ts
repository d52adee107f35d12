import { describe, expect, it } from 'vitest';
import { parseDuration } from './parse-duration';
import { readRateLimitHeaders } from './rate-limit-headers';

describe('parseDuration', () => {
  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1m30.5s', 90_500],
    ['1h2m', 3_720_000],
    ['0.5', 500],
    ['1500us', 1.5],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '5x', '1s garbage', '-1s'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('readRateLimitHeaders', () => {
  it('reads Headers and plain records, case-insensitively', () => {
    const fromHeaders = readRateLimitHeaders(
      new Headers({ 'x-ratelimit-remaining-requests': '59', 'x-ratelimit-reset-tokens': '6m0s' }),
    );
    expect(fromHeaders).toEqual({
      remainingRequests: 59,
      remainingTokens: undefined,
      resetRequestsMs: undefined,
      resetTokensMs: 360_000,
    });
    expect(readRateLimitHeaders({ 'X-RateLimit-Remaining-Tokens': ['149984'] }).remainingTokens).toBe(
      149_984,
    );
    expect(readRateLimitHeaders({ 'x-ratelimit-remaining-tokens': 'NaN' }).remainingTokens).toBeUndefined();
  });
});
