import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

const model = 'gpt-4o-mini';

describe('one long-lived signal passed to many calls', () => {
  it('keeps no abort listener per finished call (a 1M-line run holds one signal for every line)', async () => {
    harness = await startHarness();
    const controller = new AbortController();
    for (let i = 0; i < 8; i++) {
      await harness.client.complete({ model, prompt: `line ${i}`, signal: controller.signal });
    }
    await harness.client.complete({
      model: 'text-embedding-3-small',
      input: 'one',
      signal: controller.signal,
    });
    expect(harness.requests()).toBe(9);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  }, 30_000);

  it('still aborts a call in flight when the signal fires', async () => {
    harness = await startHarness({ mock: { latency: { meanMs: 5_000 } } });
    const controller = new AbortController();
    const call = harness.client.complete({ model, prompt: 'slow', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stopped by the caller')), 100);
    await expect(call).rejects.toThrow('stopped by the caller');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  }, 30_000);
});
