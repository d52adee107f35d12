import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

const model = 'gpt-4o-mini';

describe('getBatch()', () => {
  it('runs a Batch API workspace whose answers later calls to complete() find in the cache', async () => {
    harness = await startHarness({ mock: { batch: { stepMs: 5 } } });
    const batch = await harness.client.getBatch({ model, workspace: 'shared-cache' });
    expect(batch.workspace.startsWith(harness.client.config.paths.batch)).toBe(true);
    await batch.enqueue({ prompt: 'via batch 1' });
    await batch.enqueue({ prompt: 'via batch 2' });
    await batch.upload();
    expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('completed');
    const results = await batch.results();
    await batch.close();
    expect(results.every((result) => result.ok)).toBe(true);
    const chatRequests = () => harness.server.stats().byEndpoint['POST /v1/chat/completions'] ?? 0;
    expect(chatRequests()).toBe(0);
    const first = results[0];
    expect(await harness.client.complete({ model, prompt: 'via batch 1' })).toBe(
      first?.ok ? first.value : undefined,
    );
    expect(chatRequests()).toBe(0);
    expect(harness.client.getCallStatus(model)[model]).toMatchObject({ batchCalls: 2, cacheHits: 1 });
  });
});
