import { type Clock, systemClock } from '@maxllm/core';
import { LimiterClosedError, OversizedRequestError } from './errors';
import { checkTokens, type Limits } from './limits';
import { lateSendFrom, Pace } from './pace';
import { hasRoom, shrink, SHRINK_AFTER } from './shrink-burst';
import { readRateLimitHeaders } from './rate-limit-headers';
import type { AcquireRequest, HeadersLike, Permit, RateLimiter, RateLimiterStats, Usage } from './types';
import { WindowLog, type WindowEntry } from './window-log';

/** A caller of `acquire()` waiting in a FIFO queue (both modes). */
export interface Waiter {
  tokens: number;
  resolve(permit: Permit): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
}

/** Capacity the provider says is gone until `until` (from `observe`). */
interface Hold {
  amount: number;
  until: number;
}

/** Not admissible before this time; `slot` = waits for a concurrency slot (no timer needed). */
type Verdict = { ok: true } | { ok: false; at: number | 'slot' };

const admit: Verdict = { ok: true };

/** The signal's reason as an Error (what `fetch` and `openai` reject with when aborted). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError');
}

/**
 * The in-process engine: an even pace per limit, a sliding-window log for requests and tokens and a concurrency
 * count, all checked and taken together for the waiter at the head of a FIFO queue. One timer, set from the clock to
 * the moment the head can go.
 */
export function createLocalLimiter(limits: Limits, clock: Clock = systemClock): RateLimiter {
  const { rpm, tpm, concurrency, intervalMs, safetyMarginMs } = limits;
  const log = new WindowLog(intervalMs, safetyMarginMs);
  const requestPace = new Pace(rpm, intervalMs, limits.burstMs, limits.paceSlack, limits.warmupMs);
  const tokenPace = new Pace(tpm, intervalMs, limits.burstMs, limits.paceSlack, limits.warmupMs);
  const pacing = { burstMs: limits.burstMs, slack: limits.paceSlack };
  let strikes = 0;
  const holdRequests: Hold = { amount: 0, until: 0 };
  const holdTokens: Hold = { amount: 0, until: 0 };
  let queue: Waiter[] = [];
  let head = 0;
  let waiting = 0;
  let inFlight = 0;
  let admitted = 0;
  let pausedUntil = -Infinity;
  let timer: unknown;
  let timerAt = Infinity;
  let closed = false;

  const refresh = (now: number): void => {
    log.expire(now);
    if (holdRequests.until <= now) holdRequests.amount = 0;
    if (holdTokens.until <= now) holdTokens.amount = 0;
  };

  /** Earliest moment worth re-checking: when the log has freed enough, or when the hold ends. */
  const freedAt = (fromLog: number | undefined, hold: Hold): number =>
    Math.min(fromLog ?? Infinity, hold.amount > 0 ? hold.until : Infinity);

  const check = (tokens: number, now: number): Verdict => {
    if (now < pausedUntil) return { ok: false, at: pausedUntil };
    if (inFlight >= concurrency) return { ok: false, at: 'slot' };
    refresh(now);
    let at = Math.max(requestPace.readyAt(1, now), tokenPace.readyAt(tokens, now));
    if (at <= now) at = -Infinity;
    const usedRequests = log.requests + holdRequests.amount;
    if (usedRequests + 1 > rpm) {
      const need = usedRequests + 1 - rpm;
      at = Math.max(at, freedAt(log.requestsFreedAt(need), holdRequests));
    }
    const usedTokens = log.tokens + holdTokens.amount;
    if (usedTokens + tokens > tpm) {
      at = Math.max(at, freedAt(log.tokensFreedAt(usedTokens + tokens - tpm), holdTokens));
    }
    return at === -Infinity ? admit : { ok: false, at };
  };

  const permitFor = (
    entry: WindowEntry,
    tokens: number,
    admittedAt: number,
    marks: [number, number],
  ): Permit => {
    let open = true;
    const finish = (): void => {
      open = false;
      inFlight--;
      log.finish(entry, clock.now());
      pump();
    };
    return {
      tokens,
      settle(usage: Usage) {
        if (!open) return;
        const used = checkTokens('permit.settle', usage.tokens);
        const now = clock.now();
        log.expire(now);
        log.adjust(entry, used - tokens, now);
        tokenPace.adjust(used - tokens, now);
        finish();
      },
      release() {
        if (open) finish();
      },
      sent(at = clock.now()) {
        const from = lateSendFrom(admittedAt, at);
        if (from === undefined) return;
        requestPace.sentAt(marks[0], from);
        tokenPace.sentAt(marks[1], from);
      },
    };
  };

  const take = (tokens: number, now: number): Permit => {
    inFlight++;
    admitted++;
    const marks: [number, number] = [requestPace.taken, tokenPace.taken];
    requestPace.take(1, now);
    tokenPace.take(tokens, now);
    return permitFor(log.add(now, 1, tokens), tokens, now, marks);
  };

  const schedule = (at: number, now: number): void => {
    if (timer !== undefined && timerAt <= at) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(
      () => {
        timer = undefined;
        timerAt = Infinity;
        pump();
      },
      Math.max(0, at - now),
    );
  };

  const cancelTimer = (): void => {
    if (timer === undefined) return;
    clock.clearTimeout(timer);
    timer = undefined;
    timerAt = Infinity;
  };

  const finishWaiter = (waiter: Waiter): void => {
    waiter.done = true;
    waiting--;
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  };

  function pump(): void {
    while (head < queue.length) {
      const waiter = queue[head]!;
      if (waiter.done) {
        head++;
        continue;
      }
      const now = clock.now();
      const verdict = check(waiter.tokens, now);
      if (!verdict.ok) {
        if (verdict.at !== 'slot' && Number.isFinite(verdict.at)) schedule(verdict.at, now);
        compact();
        return;
      }
      head++;
      finishWaiter(waiter);
      waiter.resolve(take(waiter.tokens, now));
    }
    queue = [];
    head = 0;
    cancelTimer();
  }

  const compact = (): void => {
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  };

  return {
    acquire(request: AcquireRequest): Promise<Permit> {
      const tokens = checkTokens('acquire', request.tokens);
      const { signal } = request;
      if (closed) return Promise.reject(new LimiterClosedError('acquire: the rate limiter is closed'));
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      if (tokens > tpm) return Promise.reject(new OversizedRequestError(tokens, tpm));
      const now = clock.now();
      if (waiting === 0 && check(tokens, now).ok) return Promise.resolve(take(tokens, now));
      return new Promise<Permit>((resolve, reject) => {
        const waiter: Waiter = { tokens, resolve, reject, signal, onAbort: undefined, done: false };
        if (signal) {
          waiter.onAbort = () => {
            if (waiter.done) return;
            finishWaiter(waiter);
            reject(abortReason(signal));
            pump();
          };
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
        queue.push(waiter);
        waiting++;
        pump();
      });
    },

    observe(headers: HeadersLike): void {
      const seen = readRateLimitHeaders(headers);
      const now = clock.now();
      refresh(now);
      const resync = (
        hold: Hold,
        limit: number,
        used: number,
        remaining?: number,
        resetMs?: number,
      ): void => {
        if (remaining === undefined || !Number.isFinite(limit)) return;
        const gone = Math.max(0, limit - used - remaining);
        hold.amount = gone;
        hold.until = now + Math.min(intervalMs, resetMs ?? intervalMs);
      };
      resync(holdRequests, rpm, log.requests, seen.remainingRequests, seen.resetRequestsMs);
      resync(holdTokens, tpm, log.tokens, seen.remainingTokens, seen.resetTokensMs);
      pump();
    },

    penalize(retryAfterMs: number): void {
      if (!(retryAfterMs > 0) || !Number.isFinite(retryAfterMs)) return;
      const now = clock.now();
      refresh(now);
      if (hasRoom(log.requests + holdRequests.amount, rpm, log.tokens + holdTokens.amount, tpm)) {
        if (++strikes >= SHRINK_AFTER) {
          strikes = 0;
          shrink(pacing, intervalMs, requestPace.fullUnitMs);
          requestPace.burstMs = tokenPace.burstMs = pacing.burstMs;
          requestPace.slack = tokenPace.slack = pacing.slack;
        }
      }
      pausedUntil = Math.max(pausedUntil, now + retryAfterMs);
      pump();
    },

    stats(): RateLimiterStats {
      const now = clock.now();
      refresh(now);
      return {
        mode: 'local',
        admitted,
        waiting,
        inFlight,
        requestsInWindow: log.requests + holdRequests.amount,
        tokensInWindow: log.tokens + holdTokens.amount,
        pausedMs: Math.max(0, pausedUntil - now),
        burstMs: pacing.burstMs,
        paceSlack: pacing.slack,
      };
    },

    close(): Promise<void> {
      closed = true;
      cancelTimer();
      const pending = queue.slice(head).filter((waiter) => !waiter.done);
      queue = [];
      head = 0;
      for (const waiter of pending) {
        finishWaiter(waiter);
        waiter.reject(new LimiterClosedError('acquire: the rate limiter was closed while waiting'));
      }
      return Promise.resolve();
    },
  };
}
