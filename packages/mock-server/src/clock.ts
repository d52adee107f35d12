/** A source of time, injectable so tests can drive rate-limit windows, latency and batch steps without sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. @unit ms */
  now(): number;
  /** Schedule `callback` after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancel a handle returned by `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** The real clock: `Date.now()` and the global timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
