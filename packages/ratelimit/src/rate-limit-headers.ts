import { parseDuration } from './parse-duration';
import type { HeadersLike } from './types';

/** What the provider said is left, read from `x-ratelimit-*` headers. Absent headers are `undefined`. */
export interface RateLimitHeaders {
  remainingRequests: number | undefined;
  remainingTokens: number | undefined;
  /** @unit milliseconds */
  resetRequestsMs: number | undefined;
  /** @unit milliseconds */
  resetTokensMs: number | undefined;
}

/** Reads one header from a `Headers` instance or a plain (case-insensitive) record. */
export function getHeader(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | readonly string[] | null | undefined>;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== name) continue;
    const value = record[key];
    return typeof value === 'string' ? value : (value?.[0] ?? undefined);
  }
  return undefined;
}

function count(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

function duration(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseDuration(text);
}

/** Parses `x-ratelimit-remaining-requests/tokens` and `x-ratelimit-reset-requests/tokens`. */
export function readRateLimitHeaders(headers: HeadersLike): RateLimitHeaders {
  return {
    remainingRequests: count(getHeader(headers, 'x-ratelimit-remaining-requests')),
    remainingTokens: count(getHeader(headers, 'x-ratelimit-remaining-tokens')),
    resetRequestsMs: duration(getHeader(headers, 'x-ratelimit-reset-requests')),
    resetTokensMs: duration(getHeader(headers, 'x-ratelimit-reset-tokens')),
  };
}
