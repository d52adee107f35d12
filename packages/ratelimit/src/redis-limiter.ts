import { randomUUID } from 'node:crypto';
import { type Clock, runRedisScript, systemClock, unrefTimer } from '@maxllm/core';
import { InvalidLimitError, LimiterBackendError, LimiterClosedError, OversizedRequestError } from './errors';
import { checkTokens, type Limits } from './limits';
import { abortReason, type Waiter } from './local-limiter';
import { lateSendFrom, WAKE_TOLERANCE_MS, WARMUP_SLACK } from './pace';
import { readRateLimitHeaders } from './rate-limit-headers';
import { ADMISSION_SCRIPT, redisChannel, redisKeys } from './redis-script';
import type {
  AcquireRequest,
  HeadersLike,
  Permit,
  RateLimiter,
  RateLimiterOptions,
  RateLimiterStats,
  RedisClientLike,
} from './types';

/** A waiter's place in line lapses if not refreshed for this long (its process died). */
const CLAIM_TTL_MS = 10_000;
/** The head waiter re-checks at least this often (keeps its claim alive; covers a lost "free" event). */
const POLL_MS = 2_000;
const DEFAULT_LEASE_MS = 30_000;

/** The connection used for events (`client.duplicate()`). */
interface Subscriber {
  subscribe(channel: string): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  disconnect(): void;
}

interface RedisWaiter extends Waiter {
  /** The admission's id in Redis (also its claim's). */
  id: string;
  /** Holds a place in the shared line (a claim in Redis) that must be dropped if it stops waiting. */
  claimed: boolean;
}

type ReplyHead = [
  admitted: number,
  waitMs: number,
  requests: number,
  tokens: number,
  running: number,
  burstMs: number,
  slackPercent: number,
];

/** A script reply; an admission's goes on (see {@link AdmittedReply}). */
type Reply = [...ReplyHead, ...admission: number[]];

/** An admission's reply: the usage, then when it was admitted (script clock) and each pace's units taken before. */
type AdmittedReply = [...ReplyHead, admittedAt: number, requestsMark: number, tokensMark: number];

function timeOf(value: unknown): 'redis' | 'clock' {
  if (value === undefined || value === 'redis' || value === 'clock') return value ?? 'redis';
  throw new InvalidLimitError(
    `createRateLimiter: redis.time must be 'redis' or 'clock', got ${JSON.stringify(value)}`,
  );
}

function leaseOf(value: number | undefined): number {
  if (value === undefined) return DEFAULT_LEASE_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1000) {
    throw new InvalidLimitError(
      `createRateLimiter: redis.leaseMs must be a finite number >= 1000, got ${String(value)}`,
    );
  }
  return Math.ceil(value);
}

/**
 * Distributed mode: one Lua script on the caller's Redis checks and takes requests, tokens and a concurrency slot
 * together (even pace, sliding-window log, Redis's clock unless `redis.time` is `'clock'`). Each process queues its
 * callers in FIFO order and sends only the head; a refused head leaves a claim so that later requests from any process
 * do not overtake it. Its timers (retries, lease renewal) run on `clock`.
 */
export function createRedisLimiter(
  limits: Limits,
  redis: NonNullable<RateLimiterOptions['redis']>,
  clock: Clock = systemClock,
): RateLimiter {
  const { rpm, tpm, concurrency, intervalMs, safetyMarginMs } = limits;
  if (typeof redis.id !== 'string' || redis.id === '')
    throw new InvalidLimitError('createRateLimiter: redis.id must be a non-empty string');
  const leaseMs = leaseOf(redis.leaseMs);
  const scriptNow = timeOf(redis.time) === 'clock' ? () => Math.floor(clock.now()) : () => -1;
  /** Names this limiter in its pause events, so it does not extend its own pause on hearing its event. */
  const self = randomUUID();
  const client: RedisClientLike = redis.client;
  const keys = redisKeys(redis.id);
  const channel = redisChannel(redis.id);
  const bound = (limit: number): number => (Number.isFinite(limit) ? Math.floor(limit) : -1);
  const settings = [
    bound(rpm),
    bound(tpm),
    bound(concurrency),
    Math.ceil(intervalMs),
    Math.ceil(safetyMarginMs),
    leaseMs,
    CLAIM_TTL_MS,
    channel,
    Number.isFinite(limits.burstMs) ? limits.burstMs : -1,
    limits.paceSlack,
    limits.warmupMs,
    WARMUP_SLACK,
    WAKE_TOLERANCE_MS,
  ];

  const queue: RedisWaiter[] = [];
  const open = new Set<string>();
  const pending = new Set<Promise<unknown>>();
  let busy = false;
  let woken = false;
  let closed = false;
  let waiting = 0;
  let inFlight = 0;
  let admitted = 0;
  let pausedUntil = 0;
  let seen = { requests: 0, tokens: 0, burstMs: limits.burstMs, slack: limits.paceSlack };
  let retryTimer: unknown;
  let renewTimer: unknown;

  const run = async (op: string, id: string, ...args: (string | number)[]): Promise<Reply> => {
    const argv = [op, id, ...settings, scriptNow(), ...args];
    const reply = await runRedisScript(client, ADMISSION_SCRIPT, keys, argv);
    const values = (reply as unknown[]).map(Number);
    const usage = op === 'acquire' ? values.slice(2) : values;
    const burstMs = usage[3] ?? -1;
    seen = {
      requests: usage[0] ?? 0,
      tokens: usage[1] ?? 0,
      burstMs: burstMs < 0 ? Infinity : burstMs,
      slack: (usage[4] ?? 0) / 100,
    };
    return (op === 'acquire' ? values : [0, 0, ...values]) as Reply;
  };

  /** Runs an operation nobody waits for (settle, observe...): tracked so close() can wait for it. */
  const track = <T>(call: Promise<T>): Promise<T> => {
    const settled = call.catch(() => undefined);
    pending.add(settled);
    void settled.finally(() => pending.delete(settled));
    return call;
  };
  const background = (op: string, id: string, ...args: (string | number)[]): void => {
    track(run(op, id, ...args)).catch(() => undefined);
  };

  const subscriber = client.duplicate() as Subscriber;
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, message: string) => {
    const pause = /^pause:(\d+):(.*)$/.exec(message);
    if (!pause) wake();
    else if (pause[2] !== self) pausedUntil = Math.max(pausedUntil, clock.now() + Number(pause[1]));
  });
  // Until subscribed, a head could miss the event that frees it; it still polls, so a failure only slows it.
  const subscribed = subscriber.subscribe(channel).catch(() => undefined);

  const finishWaiter = (waiter: RedisWaiter): void => {
    waiter.done = true;
    waiting--;
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  };

  /** Renews the leases of open permits every `leaseMs / 3` while there are any (unref'd: it never keeps Node up). */
  const scheduleRenew = (): void => {
    renewTimer = clock.setTimeout(
      () => {
        renewTimer = undefined;
        if (open.size === 0 || closed) return;
        background('renew', '', ...open);
        scheduleRenew();
      },
      Math.floor(leaseMs / 3),
    );
    unrefTimer(renewTimer);
  };

  const permitFor = (id: string, reserved: number, reply: AdmittedReply): Permit => {
    const admittedAt = clock.now();
    const [, , , , , , , scriptAt, requestsMark, tokensMark] = reply;
    inFlight++;
    admitted++;
    open.add(id);
    if (renewTimer === undefined && Number.isFinite(concurrency)) scheduleRenew();
    let ended = false;
    const end = (spent: number): void => {
      ended = true;
      inFlight--;
      open.delete(id);
      // What it freed may let this process's head go: wake it now rather than on the pub/sub event.
      void track(run('finish', id, reserved, spent)).then(wake, () => undefined);
    };
    return {
      tokens: reserved,
      settle(usage) {
        if (ended) return;
        end(checkTokens('permit.settle', usage.tokens));
      },
      release() {
        if (!ended) end(-1);
      },
      sent(at = clock.now()) {
        const from = lateSendFrom(admittedAt, at);
        if (from === undefined) return;
        // On the script's clock: its admission time plus the same delay.
        background('sent', '', scriptAt + (from - admittedAt), requestsMark, tokensMark);
      },
    };
  };

  function wake(): void {
    if (busy) {
      woken = true;
      return;
    }
    void pump();
  }

  /** Sends the head waiter's acquire to Redis; one at a time, so this process's callers keep their order. */
  async function pump(): Promise<void> {
    if (busy || closed) return;
    clock.clearTimeout(retryTimer);
    while (queue.length > 0 && queue[0]!.done) queue.shift();
    const waiter = queue[0];
    if (!waiter) return;
    busy = true;
    woken = false;
    let reply: Reply;
    try {
      await subscribed;
      reply = await track(run('acquire', waiter.id, waiter.tokens, admitted === 0 ? 1 : 0));
    } catch (error) {
      busy = false;
      queue.shift();
      if (!waiter.done) {
        finishWaiter(waiter);
        waiter.reject(
          closed
            ? new LimiterClosedError('acquire: the rate limiter was closed while waiting')
            : new LimiterBackendError(`acquire: the Redis admission script failed: ${messageOf(error)}`, {
                cause: error,
              }),
        );
      }
      void pump();
      return;
    }
    busy = false;
    if (reply[0] === 1) {
      queue.shift();
      const permit = permitFor(waiter.id, waiter.tokens, reply as AdmittedReply);
      if (waiter.done)
        permit.settle({ tokens: 0 }); // aborted while Redis admitted it: give it all back
      else {
        finishWaiter(waiter);
        waiter.resolve(permit);
      }
      void pump();
      return;
    }
    waiter.claimed = true;
    if (waiter.done || closed) {
      background('drop', waiter.id);
      void pump();
      return;
    }
    const waitMs = woken ? 0 : reply[1] >= 0 ? Math.min(reply[1], POLL_MS) : POLL_MS;
    retryTimer = clock.setTimeout(() => void pump(), waitMs);
  }

  const acquire = (request: AcquireRequest): Promise<Permit> => {
    const tokens = checkTokens('acquire', request.tokens);
    const { signal } = request;
    if (closed) return Promise.reject(new LimiterClosedError('acquire: the rate limiter is closed'));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (tokens > tpm) return Promise.reject(new OversizedRequestError(tokens, tpm));
    return new Promise<Permit>((resolve, reject) => {
      const waiter: RedisWaiter = {
        id: randomUUID(),
        tokens,
        resolve,
        reject,
        signal,
        onAbort: undefined,
        done: false,
        claimed: false,
      };
      if (signal) {
        waiter.onAbort = () => {
          if (waiter.done) return;
          finishWaiter(waiter);
          reject(abortReason(signal));
          // An acquire in flight is settled by pump() when Redis answers; otherwise give the place back now.
          if (busy && queue[0] === waiter) return;
          if (waiter.claimed) background('drop', waiter.id);
          if (queue[0] === waiter) wake();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      queue.push(waiter);
      waiting++;
      void pump();
    });
  };

  return {
    acquire,

    observe(headers: HeadersLike): void {
      const seenHeaders = readRateLimitHeaders(headers);
      const { remainingRequests, remainingTokens, resetRequestsMs, resetTokensMs } = seenHeaders;
      if (remainingRequests === undefined && remainingTokens === undefined) return;
      const orAbsent = (value: number | undefined): number =>
        value === undefined ? -1 : Math.max(0, Math.ceil(value));
      background(
        'observe',
        '',
        orAbsent(remainingRequests),
        orAbsent(resetRequestsMs),
        orAbsent(remainingTokens),
        orAbsent(resetTokensMs),
      );
    },

    penalize(retryAfterMs: number): void {
      if (!(retryAfterMs > 0) || !Number.isFinite(retryAfterMs)) return;
      pausedUntil = Math.max(pausedUntil, clock.now() + retryAfterMs);
      background('pause', self, Math.ceil(retryAfterMs));
    },

    stats(): RateLimiterStats {
      return {
        mode: 'redis',
        admitted,
        waiting,
        inFlight,
        requestsInWindow: seen.requests,
        tokensInWindow: seen.tokens,
        pausedMs: Math.max(0, pausedUntil - clock.now()),
        burstMs: seen.burstMs,
        paceSlack: seen.slack,
      };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clock.clearTimeout(retryTimer);
      clock.clearTimeout(renewTimer);
      renewTimer = undefined;
      for (const waiter of queue.splice(0)) {
        if (waiter.done) continue;
        finishWaiter(waiter);
        waiter.reject(new LimiterClosedError('acquire: the rate limiter was closed while waiting'));
        if (waiter.claimed) background('drop', waiter.id);
      }
      // Open permits give their concurrency slots back (their tokens stay counted, as with release()).
      for (const id of open) background('finish', id, 0, -1);
      open.clear();
      await Promise.allSettled([...pending]);
      subscriber.disconnect();
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
