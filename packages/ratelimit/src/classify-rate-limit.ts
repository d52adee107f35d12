import { parseDuration } from './parse-duration';
import { getHeader } from './rate-limit-headers';
import type { HeadersLike } from './types';

/** A 429 as the caller saw it: an `openai` `APIError` fits (`status`, `headers`, `error`), so does a raw response. */
export interface RateLimitErrorLike {
  status?: number;
  headers?: HeadersLike | null;
  /** The response body (`{ error: { type, code, message } }`) or its inner `error` object. */
  body?: unknown;
  /** The inner error object, as the `openai` SDK exposes it on `APIError#error`. */
  error?: unknown;
  message?: string;
}

/** What to do about a 429. */
export type RateLimitVerdict =
  | { action: 'wait'; kind: 'requests' | 'tokens' | 'unknown'; waitMs: number }
  | { action: 'stop'; reason: 'insufficient_quota' | 'billing' }
  /** "Request too large": this request alone is over the limit; it fails, nothing needs to wait. */
  | { action: 'too_large'; limit: number | undefined; requested: number | undefined };

/** Options of {@link classifyRateLimit}. */
export interface ClassifyOptions {
  /** Wait when the response names none (no header, no "try again in"). @default 1000 @unit milliseconds */
  defaultWaitMs?: number;
  /** Current time, to read an HTTP-date `retry-after`. @default Date.now() @unit milliseconds */
  now?: number;
}

interface Details {
  type: string;
  code: string;
  message: string;
}

function details(error: RateLimitErrorLike): Details {
  const pick = (value: unknown): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null) return {};
    const record = value as Record<string, unknown>;
    return typeof record.error === 'object' && record.error !== null
      ? (record.error as Record<string, unknown>)
      : record;
  };
  const body = { ...pick(error.body), ...pick(error.error) };
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return {
    type: text(body.type),
    code: text(body.code),
    message: text(body.message) || (error.message ?? ''),
  };
}

/** The wait a 429 names: `retry-after-ms`, else `retry-after` (seconds or an HTTP date). */
function headerWait(headers: HeadersLike | null | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = Number(getHeader(headers, 'retry-after-ms'));
  if (getHeader(headers, 'retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const after = getHeader(headers, 'retry-after');
  if (after !== undefined) {
    const seconds = Number(after);
    if (after.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/** "Limit 10000, Requested 20000" in a "Request too large" message. */
function tooLarge(message: string): RateLimitVerdict {
  const number = (name: string): number | undefined => {
    const match = new RegExp(`${name}:?\\s*([\\d,]+)`, 'i').exec(message);
    return match ? Number(match[1]!.replaceAll(',', '')) : undefined;
  };
  return { action: 'too_large', limit: number('Limit'), requested: number('Requested') };
}

/**
 * Classifies a 429: `stop` for `insufficient_quota` and billing limits (retrying cannot help), `too_large` for
 * "Request too large" (this request alone exceeds the limit: it fails, the others need not wait), otherwise `wait`
 * with the kind of limit hit (`type`/`code` `requests` or `tokens`, or `rate_limit_exceeded` read from its message)
 * and how long: `retry-after-ms`, `retry-after`, "try again in …" in the message, or `defaultWaitMs`. The
 * `x-ratelimit-reset-*` headers are not a wait: they say when the whole budget is back, often a whole window away,
 * while the provider accepts the next request as soon as it has room for it.
 */
export function classifyRateLimit(
  error: RateLimitErrorLike,
  options: ClassifyOptions = {},
): RateLimitVerdict {
  const { type, code, message } = details(error);
  const tags = `${type} ${code}`;
  if (/insufficient_quota/.test(tags) || /exceeded your current quota/i.test(message)) {
    return { action: 'stop', reason: 'insufficient_quota' };
  }
  if (/billing/.test(tags) || /billing hard limit/i.test(message))
    return { action: 'stop', reason: 'billing' };
  if (/request too large/i.test(message)) return tooLarge(message);
  let kind: 'requests' | 'tokens' | 'unknown' = 'unknown';
  if (/\btokens\b/.test(tags)) kind = 'tokens';
  else if (/\brequests\b/.test(tags)) kind = 'requests';
  else if (/tokens per|\bTPM\b|\(TPM\)|tokens/i.test(message)) kind = 'tokens';
  else if (/requests per|\bRPM\b|\(RPM\)|requests/i.test(message)) kind = 'requests';
  const hinted = /try again in ((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)/i.exec(message)?.[1];
  const waitMs =
    headerWait(error.headers, options.now ?? Date.now()) ??
    (hinted === undefined ? undefined : parseDuration(hinted)) ??
    options.defaultWaitMs ??
    1000;
  return { action: 'wait', kind, waitMs };
}
