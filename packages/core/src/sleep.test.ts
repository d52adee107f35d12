import { describe, expect, it } from 'vitest';
import { createManualClock } from './manual-clock';
import { abortReason, sleep } from './sleep';

describe('sleep', () => {
  it('resolves when the clock reaches the time', async () => {
    const clock = createManualClock();
    let done = false;
    const wait = sleep(clock, 50).then(() => (done = true));
    clock.advance(49);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await wait;
    expect(done).toBe(true);
  });

  it('rejects with the abort reason and clears its timer', async () => {
    const clock = createManualClock();
    const controller = new AbortController();
    const wait = sleep(clock, 1000, controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(wait).rejects.toBe(reason);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects at once on an already aborted signal, without a timer', async () => {
    const clock = createManualClock();
    await expect(sleep(clock, 10, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('abortReason', () => {
  it('is the signal reason when it is an Error, else an AbortError', () => {
    const reason = new Error('mine');
    const controller = new AbortController();
    controller.abort(reason);
    expect(abortReason(controller.signal)).toBe(reason);
    const other = new AbortController();
    other.abort('a string');
    expect(abortReason(other.signal)).toMatchObject({ name: 'AbortError' });
  });
});
