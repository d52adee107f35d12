import type { Clock } from '@maxllm/core';

/**
 * The slice of an ioredis client (a `Redis` or `Cluster` instance) the distributed mode uses: `evalsha` / `eval`
 * for the admission script, and `duplicate()` for one extra connection that subscribes to the limit's events.
 */
export interface RedisClientLike {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  duplicate(): unknown;
}

/** Options of {@link createRateLimiter}. Omit a limit (or pass `Infinity`) to leave it unbounded. */
export interface RateLimiterOptions {
  /** Requests admitted per `intervalMs`. @default Infinity @unit requests per interval */
  rpm?: number;
  /** Tokens (estimates, reconciled on settle) admitted per `intervalMs`. @default Infinity @unit tokens per interval */
  tpm?: number;
  /** Permits held at once (acquired and not yet settled or released). @default Infinity */
  concurrency?: number;
  /** Length of the rate window the `rpm` / `tpm` limits apply to. @default 60000 @unit milliseconds */
  intervalMs?: number;
  /**
   * An admission stays counted until `intervalMs` after its request finished (settle/release), but at
   * most `intervalMs + safetyMarginMs` after admission. The provider sees a request between our admission and its
   * response, so a provider's sliding window never counts more than we do.
   * @default min(intervalMs, 3000) @unit milliseconds
   */
  safetyMarginMs?: number;
  /**
   * Pacing: each limit is spread evenly over `intervalMs` (one request every `intervalMs / rpm`, one token every
   * `intervalMs / tpm`, refilled continuously) and admission may run at most this far ahead of that pace, so after an
   * idle spell about `rpm × burstMs / intervalMs` requests (at least one) go at once. Small, because providers may
   * enforce a per-minute limit in shorter quanta (per second, say). `0`: strictly even; `Infinity`: no pacing (a
   * whole window's budget may go at once). Repeated 429s while the window has room halve it (the provider's quantum
   * is shorter than assumed). The sliding window still applies on top: never more than the limit in any window.
   * @default intervalMs / 600 (100 ms for a 60 s window) @unit milliseconds
   */
  burstMs?: number;
  /**
   * How far under each limit the pace runs from the start: `limit / (1 + paceSlack)`. A provider that counts per
   * second sees requests shifted by network and event-loop jitter, so a pace exactly at its limit draws 429s; 1%
   * absorbs about 10 ms of jitter per second. `0`: exactly at the limit (a token-bucket provider). Repeated 429s
   * with room raise it by 0.02 per pair once the burst is strictly even, at most 0.1. The sliding window applies
   * either way.
   * @default 0.01 @unit fraction
   */
  paceSlack?: number;
  /**
   * Warm-up after an idle spell: an admission when nothing was admitted for at least this long (and the first one)
   * makes the pace run at least 20% under each limit for this long. The first requests go on new connections (TCP,
   * TLS) and reach the provider later than the ones after them; a provider that counts per second then sees the
   * first second's requests bunched, more than `paceSlack` absorbs. The default absorbs ~200 ms of such delay and
   * costs about a fifth of `warmupMs` of admission per idle spell, nothing in steady state. In Redis mode, this
   * limiter's first admission starts a warm-up of the shared pace too (a process joining a busy limit). `0`: no
   * warm-up.
   * @default intervalMs / 60 (1 s for a 60 s window) @unit milliseconds
   */
  warmupMs?: number;
  /**
   * Time source; tests pass `createManualClock()`. Local mode: all of its time. Redis mode: its timers (retries,
   * lease renewal) and `stats().pausedMs`; the shared window runs on Redis's clock unless `redis.time` is `'clock'`.
   * @default systemClock
   */
  clock?: Clock;
  /**
   * Share the limits between processes and hosts through Redis (one atomic Lua script per operation, Redis's clock).
   * `client` is your ioredis connection (never closed by the limiter; it is duplicated once for events); `id` names
   * the shared limit: every limiter created with the same `id` on the same Redis draws from one budget (give them
   * the same limits). `leaseMs`: a concurrency slot of a process that stopped renewing it (crashed) is freed after
   * this long; live permits are renewed every `leaseMs / 3`. `time`: whose clock the shared script reads, `'redis'`
   * (Redis's `TIME`, so hosts' clocks may disagree) or `'clock'` (`clock.now()`: for tests that drive a manual clock;
   * every limiter sharing the `id` must then share that clock). @default leaseMs 30000, time 'redis'
   */
  redis?: { client: RedisClientLike; id: string; leaseMs?: number; time?: 'redis' | 'clock' };
}

/** What a caller asks for. */
export interface AcquireRequest {
  /**
   * Tokens to reserve now (input estimate + expected output); a fraction rounds up to a whole token. Reconciled by
   * {@link Permit.settle}. @unit tokens
   */
  tokens: number;
  /** Aborting it while waiting rejects `acquire()` with the signal's reason and takes nothing. */
  signal?: AbortSignal;
}

/** Actual usage reported when a request finishes. */
export interface Usage {
  /** Tokens the provider counted (prompt + completion); a fraction rounds up. @unit tokens */
  tokens: number;
}

/** Admission to send one request. Call exactly one of `settle` or `release` when it finishes. */
export interface Permit {
  /** Tokens reserved at admission. @unit tokens */
  readonly tokens: number;
  /** Reconciles the reservation with real usage (refunds or charges the difference) and frees the concurrency slot. */
  settle(usage: Usage): void;
  /** Frees the concurrency slot and keeps the reservation as charged. Idempotent. */
  release(): void;
  /**
   * Says when the request actually left (its bytes written), if that can be later than its admission: a busy event
   * loop (other requests' work, a GC) may hold an admitted request back, and it then reaches the provider bunched
   * with the ones admitted after it. The pace then spaces the requests admitted since this one from `at`. Optional;
   * a send on time (up to 2 ms after admission) changes nothing. Redis mode: the shared pace, one script call when
   * the send was late.
   * @default at clock.now() @unit ms on the limiter's clock
   */
  sent(at?: number): void;
}

/** Header bag accepted by {@link RateLimiter.observe}. */
export type HeadersLike =
  { get(name: string): string | null } | Record<string, string | readonly string[] | null | undefined>;

/** A snapshot of the limiter's state. */
export interface RateLimiterStats {
  /** `'local'` (in-process engine) or `'redis'` (shared through Redis). */
  mode: 'local' | 'redis';
  /** Permits granted since creation (this process). */
  admitted: number;
  /** `acquire()` calls waiting (this process). */
  waiting: number;
  /** Permits not yet settled or released (this process). */
  inFlight: number;
  /** Requests counted in the current window, including holds from `observe` (Redis mode: as of the last reply). */
  requestsInWindow: number;
  /** Tokens counted in the current window, including holds (Redis mode: as of the last reply). @unit tokens */
  tokensInWindow: number;
  /** Time left of a `penalize()` pause. @unit milliseconds */
  pausedMs: number;
  /** The pacing burst now in force (`burstMs`, halved by repeated 429s while the window had room). @unit ms */
  burstMs: number;
  /**
   * How far under the limit the pace runs (`limit / (1 + paceSlack)`): the `paceSlack` option (default 0.01), plus
   * 0.02 per pair of 429s with room once the burst is strictly even, at most 0.1. @unit fraction
   */
  paceSlack: number;
}

/** RPM + TPM + concurrency admission. */
export interface RateLimiter {
  /** Waits until a request of `tokens` may go (requests, tokens and a concurrency slot are taken together). */
  acquire(request: AcquireRequest): Promise<Permit>;
  /** Resyncs from `x-ratelimit-remaining-*` / `x-ratelimit-reset-*` response headers; never raises capacity. */
  observe(headers: HeadersLike): void;
  /**
   * Pauses all admission for `retryAfterMs` (after a 429). Every second 429 that arrives while the window has room
   * for one more request under each limit halves the pacing burst (0 once shorter than one request's time: the
   * provider enforces a shorter quantum than assumed), and
   * once the burst is 0 slows the pace by 2% of the limit (at most 10%: `stats().paceSlack`). A time that is not
   * positive and finite is ignored.
   * @unit milliseconds
   */
  penalize(retryAfterMs: number): void;
  /** Current state. */
  stats(): RateLimiterStats;
  /** Rejects waiting `acquire()` calls with `LimiterClosedError` and stops timers / Redis connections. */
  close(): Promise<void>;
}
