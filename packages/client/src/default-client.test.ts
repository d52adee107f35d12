import { afterEach, describe, expect, it } from 'vitest';
import {
  batchComplete,
  closeDefaultClient,
  complete,
  diffCallStatus,
  getBatch,
  getCallStatus,
  setRequestFlag,
  stream,
} from './default-client';
import { startHarness, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => {
  await closeDefaultClient();
  await harness?.close();
});

describe('module-level functions on the lazily created default client', () => {
  it('complete, stream, batchComplete, call status and request flag share one client', async () => {
    harness = await startHarness();
    // The default client discovers its config like any user: through the environment.
    process.env.MAXLLM_CONFIG_PATH = harness.configPath;
    process.env.MAXLLM_HOME = harness.home;
    const model = 'gpt-4o-mini';
    const before = getCallStatus();
    const text = await complete({ model, prompt: 'module level' });
    let streamed = '';
    for await (const delta of stream({ model, prompt: 'module level' })) streamed += delta;
    expect(streamed).toBe(text);
    expect(await batchComplete(['module level'], { model, progress: false })).toEqual([text]);
    expect(harness.requests()).toBe(1);
    setRequestFlag('fresh');
    expect(await complete({ model, prompt: 'module level' })).toEqual(expect.any(String));
    expect(harness.requests()).toBe(2);
    const diff = diffCallStatus(getCallStatus(), before);
    expect(diff[model]).toMatchObject({ totalCalls: 4, cacheHits: 2, cacheMisses: 2 });
    const batch = await getBatch({ model, workspace: 'module-level' });
    expect(batch.workspace).toContain(harness.home);
    await batch.close();
  });
});
