import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { classifyRateLimit, OversizedRequestError } from '@maxllm/ratelimit';
import { OutputValidationError } from '@maxllm/request';
import { isFlexUnavailable } from './flex-unavailable';

/** What the retry loop does about one failed attempt. */
export type Failure =
  | { action: 'rate-limited'; waitMs: number; kind: string }
  | { action: 'quota'; reason: string }
  | { action: 'too-large'; limit: number | undefined; tokens: number | undefined }
  | { action: 'flex-unavailable' }
  | { action: 'transient'; headers: Headers | undefined }
  | { action: 'invalid-output' }
  | { action: 'abort' }
  | { action: 'fatal' };

/**
 * Sorts an attempt's error: a flex tier's 429 "resource unavailable" → back off this request only; other 429s →
 * wait (or stop on quota/billing, or fail this request alone when it is too large) by `classifyRateLimit`; the
 * limiter's `OversizedRequestError` → too large; 5xx, 408, 409, connection
 * errors, timeouts and unreadable (truncated) bodies → transient; output that does not parse or validate → re-ask; a caller's abort → abort;
 * anything else (400, 401, 404, 422, our own bugs) → fatal.
 */
export function classifyFailure(error: unknown, now: number): Failure {
  if (error instanceof OutputValidationError || nameOf(error) === 'OutputValidationError') {
    return { action: 'invalid-output' };
  }
  if (error instanceof APIUserAbortError || nameOf(error) === 'AbortError') return { action: 'abort' };
  if (error instanceof OversizedRequestError) {
    return { action: 'too-large', limit: error.limit, tokens: error.tokens };
  }
  if (error instanceof APIConnectionError) return { action: 'transient', headers: undefined };
  // A 200 whose body is cut or not JSON (a proxy or the provider hiccuped): asking again is the fix.
  if (error instanceof SyntaxError) return { action: 'transient', headers: undefined };
  if (!(error instanceof APIError)) return { action: 'fatal' };
  // `instanceof` narrows to APIError<any, ...>: restate the declared types.
  const { status, headers, error: body } = error as APIError<number | undefined, Headers | undefined>;
  if (status === undefined) return { action: 'fatal' };
  if (status === 429 && isFlexUnavailable(error)) return { action: 'flex-unavailable' };
  if (status === 429) {
    const verdict = classifyRateLimit(
      { status, headers: headers ?? null, error: body, message: error.message },
      { now },
    );
    if (verdict.action === 'stop') return { action: 'quota', reason: verdict.reason };
    if (verdict.action === 'too_large') {
      return { action: 'too-large', limit: verdict.limit, tokens: verdict.requested };
    }
    return { action: 'rate-limited', waitMs: verdict.waitMs, kind: verdict.kind };
  }
  if (status >= 500 || status === 408 || status === 409) {
    return { action: 'transient', headers };
  }
  return { action: 'fatal' };
}

function nameOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
}
