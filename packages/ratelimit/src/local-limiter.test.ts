import { createManualClock } from '@maxllm/core';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './create-rate-limiter';
import { describeLimiterContract } from './test-limiter-contract';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describeLimiterContract('local', (options) => ({ limiter: createRateLimiter(options), idle: flush }));

describe('local limiter: timers', () => {
  it('sets no timer while only a concurrency slot is missing (a release wakes the waiter)', async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({ concurrency: 1, clock });
    const first = await limiter.acquire({ tokens: 0 });
    const second = limiter.acquire({ tokens: 0 });
    await flush();
    expect(clock.pendingTimers()).toBe(0);
    first.release();
    (await second).release();
  });

  it('keeps one timer for the head and none once its only waiter is aborted', async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({ rpm: 1, intervalMs: 1000, clock });
    await limiter.acquire({ tokens: 0 });
    const controller = new AbortController();
    const waiter = limiter.acquire({ tokens: 0, signal: controller.signal }).catch(() => 'aborted');
    await flush();
    expect(clock.pendingTimers()).toBe(1);
    controller.abort();
    expect(await waiter).toBe('aborted');
    expect(clock.pendingTimers()).toBe(0);
  });
});
