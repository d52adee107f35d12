import { describe, expect, it } from 'vitest';
import { createManualClock } from './manual-clock';

describe('createManualClock', () => {
  it('runs due timers in time order, then creation order, and counts what is pending', () => {
    const clock = createManualClock(100);
    const ran: string[] = [];
    clock.setTimeout(() => ran.push('b'), 20);
    clock.setTimeout(() => ran.push('a'), 10);
    clock.setTimeout(() => ran.push('c'), 20);
    const cancelled = clock.setTimeout(() => ran.push('never'), 5);
    clock.clearTimeout(cancelled);
    clock.setTimeout(() => ran.push('late'), 50);
    clock.advance(20);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(clock.now()).toBe(120);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('runs a timer set by a timer when it falls due within the same advance', () => {
    const clock = createManualClock();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
    }, 5);
    clock.advance(10);
    expect(seen).toEqual([5, 10]);
    expect(clock.pendingTimers()).toBe(0);
  });
});
