/** Longest wait a server's `retry-after` may impose before we fall back to our own backoff. @unit ms */
const MAX_SERVER_DELAY_MS = 60_000;

/** Options of {@link backoffDelay}. */
export interface BackoffOptions {
  /** First delay. @default 500 @unit ms */
  initialMs?: number;
  /** Largest delay. @default 8000 @unit ms */
  maxMs?: number;
  /** Source of randomness in [0, 1), for jitter. @default Math.random */
  random?: () => number;
}

/**
 * How long to wait before retry number `retry` (1-based): the server's `retry-after-ms` / `retry-after` (seconds or
 * an HTTP date) when it sent one within a minute, else `initialMs * 2^(retry-1)` capped at `maxMs`, minus up to 25 %
 * random jitter so a crowd of clients does not retry in lockstep.
 * @unit ms
 */
export function backoffDelay(
  retry: number,
  headers: Headers | undefined,
  now: number,
  options: BackoffOptions = {},
): number {
  const server = serverDelay(headers, now);
  if (server !== undefined) return server;
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 8_000;
  const base = Math.min(initial * 2 ** Math.max(0, retry - 1), max);
  const random = options.random ?? Math.random;
  return Math.round(base * (1 - 0.25 * random()));
}

/** The delay a server asked for, in ms, or undefined when absent, unreadable or unreasonably long. */
export function serverDelay(headers: Headers | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_SERVER_DELAY_MS) return ms;
  const after = headers.get('retry-after');
  if (!after) return undefined;
  const seconds = Number(after);
  const delay = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - now;
  return Number.isFinite(delay) && delay >= 0 && delay <= MAX_SERVER_DELAY_MS ? delay : undefined;
}
