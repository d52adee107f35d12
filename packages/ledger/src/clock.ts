/** Source of time, injectable so flush-timer tests never sleep. */
export interface Clock {
  /** Milliseconds since the epoch. @unit ms */
  now(): number;
  /** Schedules `fn` after `ms` milliseconds; the returned handle may have `unref()`. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer returned by `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
