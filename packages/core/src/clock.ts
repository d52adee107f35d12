/**
 * Source of time for everything that waits or stamps, injectable so tests drive time instead of sleeping
 * (limiter windows, TTLs, flush timers, polling, retry backoff).
 */
export interface Clock {
  /** Current time. @unit milliseconds since the epoch (a manual clock may use any fixed origin). */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. @unit ms */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer returned by {@link Clock.setTimeout}; unknown or finished handles are ignored. */
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock: `Date.now()` and the global timers. A timer keeps the process alive like a plain `setTimeout`,
 * so a caller awaiting a wait (a limiter slot, a retry backoff) is never cut short by the process exiting. Background
 * timers that must not hold a process open (a ledger's flush, a lease renewal) pass their handle to {@link unrefTimer}.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};

/**
 * Lets the process exit while the timer behind `handle` is pending (Node's `timer.unref()`). A no-op for handles
 * without `unref` (a manual clock's), so code can call it whatever clock it was given.
 */
export function unrefTimer(handle: unknown): void {
  (handle as { unref?: () => void } | null | undefined)?.unref?.();
}
