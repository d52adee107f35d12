import { describe, expect, it } from 'vitest';
import { runPool } from './pool';

async function* numbers(count: number, pulled: number[]): AsyncGenerator<number> {
  for (let index = 0; index < count; index += 1) {
    pulled.push(index);
    yield await Promise.resolve(index);
  }
}

describe('runPool', () => {
  it('never has more than `concurrency` items in flight and pulls lazily', async () => {
    const pulled: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await runPool(numbers(50, pulled), 4, async (item) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      // Pulled items never run more than `concurrency` ahead of finished ones.
      expect(pulled.length - seen.length).toBeLessThanOrEqual(4);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(item);
      inFlight -= 1;
    });
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, index) => index));
  });

  it('stops pulling when the signal aborts and rethrows a worker error', async () => {
    const controller = new AbortController();
    const pulled: number[] = [];
    await runPool(
      numbers(100, pulled),
      2,
      async (item) => {
        if (item === 5) controller.abort();
        await Promise.resolve();
      },
      controller.signal,
    );
    expect(pulled.length).toBeLessThan(10);
    await expect(
      runPool([1, 2, 3], 2, async (item) => {
        await Promise.resolve();
        if (item === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});
