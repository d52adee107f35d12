import type { Clock } from './clock';

/** A {@link Clock} that only moves when told to: for tests of anything that waits. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms` and runs, in time order, every timer that falls due (ties in creation order). @unit ms */
  advance(ms: number): void;
  /** Number of timers still pending (a test can assert that nothing leaks). */
  pendingTimers(): number;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Creates a manual clock whose `now()` starts at `start`. A timer set while `advance()` runs (by a timer callback)
 * also runs in that `advance()` when it falls due before its end.
 * @param start - initial `now()`. @default 0 @unit ms
 */
export function createManualClock(start = 0): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Set<Timer>();
  const next = (): Timer | undefined => {
    let best: Timer | undefined;
    for (const timer of timers) {
      if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    }
    return best;
  };
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const timer: Timer = { at: now + Math.max(0, ms), seq: seq++, fn };
      timers.add(timer);
      return timer;
    },
    clearTimeout(handle) {
      timers.delete(handle as Timer);
    },
    advance(ms) {
      const target = now + ms;
      for (let timer = next(); timer && timer.at <= target; timer = next()) {
        timers.delete(timer);
        now = Math.max(now, timer.at);
        timer.fn();
      }
      now = target;
    },
    pendingTimers: () => timers.size,
  };
}
