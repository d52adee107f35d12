import { InvalidLimitError } from './errors';
import { MAX_SLACK } from './shrink-burst';
import type { RateLimiterOptions } from './types';

/** Validated limits, `Infinity` where unbounded. */
export interface Limits {
  rpm: number;
  tpm: number;
  concurrency: number;
  intervalMs: number;
  safetyMarginMs: number;
  /** How far admission may run ahead of an even pace. @unit ms */
  burstMs: number;
  /** The pace runs at `limit / (1 + paceSlack)` from the start. @unit fraction */
  paceSlack: number;
  /** How long the pace runs at least 20% under each limit after an idle spell (0: never). @unit ms */
  warmupMs: number;
}

/**
 * The default `paceSlack`: the pace runs 1% under each limit, which absorbs up to ~10 ms of network and event-loop
 * jitter per second against a provider that counts per second, at 1% of the limit.
 */
export const DEFAULT_PACE_SLACK = 0.01;

/** The default `warmupMs`: a second per minute of window, the quantum providers enforce per-minute limits in. */
export function defaultWarmupMs(intervalMs: number): number {
  return intervalMs / 60;
}

/**
 * The least default `burstMs`. A timer or a busy event loop wakes a waiter late by milliseconds whatever the window,
 * and a late admission restarts the pace from its own moment: a burst under that lateness loses capacity at every
 * wake-up (a 3 s window's `intervalMs / 600` is 5 ms: 0.89 of the limit in `bench/ratelimit-utilisation.mjs`, 0.96
 * with 50 ms).
 * @unit ms
 */
export const MIN_DEFAULT_BURST_MS = 50;

/**
 * The default `burstMs`: a tenth of a second per minute of window (100 ms for the usual 60 s window), and at least
 * {@link MIN_DEFAULT_BURST_MS}.
 */
export function defaultBurstMs(intervalMs: number): number {
  return Math.max(intervalMs / 600, MIN_DEFAULT_BURST_MS);
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new InvalidLimitError(
      `createRateLimiter: ${name} must be a positive number or Infinity, got ${String(value)}`,
    );
  }
  return value;
}

/** A count that must allow at least one request (a lower rate is a longer `intervalMs`). */
function atLeastOne(name: string, value: number): number {
  if (value < 1) {
    throw new InvalidLimitError(
      `createRateLimiter: ${name} must be at least 1, got ${String(value)} (for fewer than one request per minute, ` +
        'set intervalMs to a longer window)',
    );
  }
  return value;
}

/** A duration option: a finite number of ms >= 0 (`safetyMarginMs`, `warmupMs`). */
function finiteMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidLimitError(
      `createRateLimiter: ${name} must be a finite number >= 0, got ${String(value)}`,
    );
  }
  return value;
}

function burst(value: number | undefined, intervalMs: number): number {
  if (value === undefined) return defaultBurstMs(intervalMs);
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new InvalidLimitError(
      `createRateLimiter: burstMs must be a number >= 0 (Infinity: no pacing), got ${String(value)}`,
    );
  }
  return value;
}

function slack(value: number | undefined): number {
  if (value === undefined) return DEFAULT_PACE_SLACK;
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_SLACK)) {
    throw new InvalidLimitError(
      `createRateLimiter: paceSlack must be a number from 0 to ${MAX_SLACK}, got ${String(value)}`,
    );
  }
  return value;
}

/** Reads and checks the numeric options of {@link createRateLimiter}. */
export function resolveLimits(options: RateLimiterOptions): Limits {
  const intervalMs = positive('intervalMs', options.intervalMs, 60_000);
  if (!Number.isFinite(intervalMs))
    throw new InvalidLimitError('createRateLimiter: intervalMs must be finite');
  return {
    rpm: atLeastOne('rpm', positive('rpm', options.rpm, Infinity)),
    tpm: positive('tpm', options.tpm, Infinity),
    concurrency: atLeastOne('concurrency', positive('concurrency', options.concurrency, Infinity)),
    intervalMs,
    safetyMarginMs: finiteMs('safetyMarginMs', options.safetyMarginMs, Math.min(3000, intervalMs)),
    burstMs: burst(options.burstMs, intervalMs),
    paceSlack: slack(options.paceSlack),
    warmupMs: finiteMs('warmupMs', options.warmupMs, defaultWarmupMs(intervalMs)),
  };
}

/** Checks the `tokens` of one `acquire()` / `settle()` call; counts are whole tokens (a fraction rounds up). */
export function checkTokens(where: string, tokens: number): number {
  if (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens < 0) {
    throw new InvalidLimitError(`${where}: tokens must be a finite number >= 0, got ${String(tokens)}`);
  }
  return Math.ceil(tokens);
}
