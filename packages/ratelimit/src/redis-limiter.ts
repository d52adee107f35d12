import { createRequire } from 'node:module';
import type Bottleneck from 'bottleneck';
import { LimiterClosedError } from './errors.js';
import { checkTokens, type Limits } from './limits.js';
import { abortReason } from './local-limiter.js';
import { planBucket, type BucketPlan } from './bucket-plan.js';
import { readRateLimitHeaders } from './rate-limit-headers.js';
import type {
  AcquireRequest,
  HeadersLike,
  Permit,
  RateLimiter,
  RateLimiterOptions,
  RateLimiterStats,
} from './types.js';

const require = createRequire(import.meta.url);
/** bottleneck, loaded on first use so local-only users never pay for it. */
let bottleneck: typeof Bottleneck | undefined;
const loadBottleneck = (): typeof Bottleneck => (bottleneck ??= require('bottleneck') as typeof Bottleneck);

/** Longest a permit may hold a shared concurrency slot before the cluster reclaims it (crashed process). */
const PERMIT_EXPIRATION_MS = 15 * 60_000;

interface Reservoir {
  limiter: Bottleneck;
  plan: BucketPlan;
}

function reservoir(
  connection: Bottleneck.IORedisConnection,
  id: string,
  limit: number,
  windowMs: number,
  concurrency: number,
): Reservoir {
  const plan = planBucket(limit, windowMs);
  const limited = Number.isFinite(limit);
  const limiter = new (loadBottleneck())({
    id,
    datastore: 'ioredis',
    connection,
    maxConcurrent: Number.isFinite(concurrency) ? Math.floor(concurrency) : null,
    reservoir: limited ? plan.maximum : null,
    reservoirIncreaseInterval: limited ? plan.intervalMs : null,
    reservoirIncreaseAmount: limited ? plan.amount : null,
    reservoirIncreaseMaximum: limited ? plan.maximum : null,
    heartbeatInterval: Math.max(50, Math.min(1000, Math.floor(plan.intervalMs / 4))),
    timeout: Math.max(300_000, windowMs * 5),
  });
  limiter.on('error', () => undefined);
  return { limiter, plan };
}

/**
 * Distributed mode: two bottleneck limiters on the caller's Redis, one for tokens (weight = tokens) and one for
 * requests + concurrency (weight 1, held until the permit ends). Tokens are taken first, then the request slot.
 */
export function createRedisLimiter(
  limits: Limits,
  redis: NonNullable<RateLimiterOptions['redis']>,
): RateLimiter {
  const { rpm, tpm, concurrency, intervalMs } = limits;
  const client = redis.client.duplicate() as { constructor: unknown };
  const connection = new (loadBottleneck().IORedisConnection)({ client, Redis: client.constructor });
  connection.on('error', () => undefined);
  const prefix = `maxllm-ratelimit:${redis.id}`;
  const tokens = Number.isFinite(tpm)
    ? reservoir(connection, `${prefix}:tokens`, tpm, intervalMs, Infinity)
    : undefined;
  const requests = reservoir(connection, `${prefix}:requests`, rpm, intervalMs, concurrency);
  let pausedUntil = 0;
  let waiting = 0;
  let inFlight = 0;
  let admitted = 0;
  let closed = false;
  const sleepers = new Set<() => void>();
  /** Ends the bottleneck job of each open permit (close() frees the shared slots they hold). */
  const openJobs = new Set<() => void>();

  const ignore = (promise: Promise<unknown>): void => {
    promise.catch(() => undefined);
  };

  requests.limiter.on('message', (message: string) => {
    const until = Number(/^pause:(\d+)$/.exec(message)?.[1]);
    if (until > pausedUntil) pausedUntil = until;
  });

  /** Adds to the tokens reservoir without going above its size (best effort: read, then increment). */
  const refund = async (amount: number): Promise<void> => {
    if (!tokens || amount <= 0) return;
    const current = (await tokens.limiter.currentReservoir()) ?? 0;
    const room = Math.min(amount, tokens.plan.maximum - current);
    if (room > 0) await tokens.limiter.incrementReservoir(room);
  };
  const charge = (amount: number): void => {
    if (tokens && amount > 0) ignore(tokens.limiter.incrementReservoir(-amount));
  };

  const waitForPause = async (signal: AbortSignal | undefined): Promise<void> => {
    while (Date.now() < pausedUntil && !closed) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          sleepers.delete(wake);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        const timer = setTimeout(wake, pausedUntil - Date.now());
        sleepers.add(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
      if (signal?.aborted) throw abortReason(signal);
    }
  };

  const acquire = async (request: AcquireRequest): Promise<Permit> => {
    const reserved = Math.ceil(checkTokens('acquire', request.tokens));
    const { signal } = request;
    if (closed) throw new LimiterClosedError('acquire: the rate limiter is closed');
    if (signal?.aborted) throw abortReason(signal);
    waiting++;
    let cancelled = false;
    let onAbort: (() => void) | undefined;
    try {
      await waitForPause(signal);
      return await new Promise<Permit>((resolve, reject) => {
        onAbort = () => {
          cancelled = true;
          reject(abortReason(signal!));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        const weight = tokens ? Math.min(reserved, tokens.plan.maximum) : 0;
        const tokensTaken =
          tokens && weight > 0
            ? tokens.limiter.schedule({ weight }, () => Promise.resolve())
            : Promise.resolve();
        const fail = (error: unknown): void => {
          if (closed) reject(new LimiterClosedError('acquire: the rate limiter was closed while waiting'));
          else reject(error instanceof Error ? error : new Error(String(error)));
        };
        tokensTaken
          .then(() => {
            if (cancelled || closed) return ignore(refund(weight));
            charge(reserved - weight);
            requests.limiter
              .schedule({ expiration: PERMIT_EXPIRATION_MS }, () => {
                if (cancelled || closed) {
                  ignore(refund(reserved));
                  ignore(requests.limiter.incrementReservoir(Number.isFinite(rpm) ? 1 : 0));
                  return Promise.resolve();
                }
                return new Promise<void>((done) => {
                  inFlight++;
                  admitted++;
                  let open = true;
                  const finish = (): void => {
                    if (!open) return;
                    open = false;
                    inFlight--;
                    openJobs.delete(finish);
                    done();
                  };
                  openJobs.add(finish);
                  resolve({
                    tokens: reserved,
                    settle(usage) {
                      if (!open) return;
                      const used = Math.ceil(checkTokens('permit.settle', usage.tokens));
                      if (used > reserved) charge(used - reserved);
                      else ignore(refund(reserved - used));
                      finish();
                    },
                    release: finish,
                  });
                });
              })
              .catch(fail);
          })
          .catch(fail);
      });
    } finally {
      waiting--;
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  };

  return {
    acquire,

    observe(headers: HeadersLike): void {
      const seen = readRateLimitHeaders(headers);
      const lower = (target: Reservoir | undefined, remaining: number | undefined): void => {
        if (!target || remaining === undefined || !Number.isFinite(target.plan.maximum)) return;
        ignore(
          target.limiter.currentReservoir().then((current) => {
            if (current !== null && current > remaining)
              return target.limiter.incrementReservoir(remaining - current);
          }),
        );
      };
      lower(tokens, seen.remainingTokens);
      if (Number.isFinite(rpm)) lower(requests, seen.remainingRequests);
    },

    penalize(retryAfterMs: number): void {
      if (!(retryAfterMs > 0)) return;
      const until = Date.now() + retryAfterMs;
      if (until > pausedUntil) pausedUntil = until;
      ignore(requests.limiter.publish(`pause:${Math.ceil(until)}`));
    },

    stats(): RateLimiterStats {
      return {
        mode: 'redis',
        admitted,
        waiting,
        inFlight,
        requestsInWindow: 0,
        tokensInWindow: 0,
        pausedMs: Math.max(0, pausedUntil - Date.now()),
      };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const wake of [...sleepers]) wake();
      for (const finish of [...openJobs]) finish();
      const targets = tokens ? [requests, tokens] : [requests];
      await Promise.allSettled(targets.map((target) => target.limiter.stop({ dropWaitingJobs: true })));
      await connection.disconnect();
    },
  };
}
