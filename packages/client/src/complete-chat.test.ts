import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

describe('complete() for chat against the mock server', () => {
  it('returns the message text and records one ledger row', async () => {
    harness = await startHarness();
    const text = await harness.client.complete({ model: 'gpt-4o-mini', prompt: 'Say hello' });
    expect(typeof text).toBe('string');
    expect(text.length).toBeGreaterThan(0);
    expect(harness.server.stats().byModel['gpt-4o-mini']?.requests).toBe(1);
    const status = harness.client.getCallStatus('gpt-4o-mini')['gpt-4o-mini'];
    expect(status).toMatchObject({ totalCalls: 1, cacheMisses: 1, cacheHits: 0 });
    await harness.client.close();
    const csv = await readFile(harness.client.config.paths.ledger, 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(2);
  });

  it('serves the second identical call from the cache without an HTTP request', async () => {
    harness = await startHarness();
    const first = await harness.client.complete({ model: 'gpt-4o-mini', prompt: 'Cache me', temperature: 0 });
    const requests = harness.requests();
    const second = await harness.client.complete({
      model: 'gpt-4o-mini',
      prompt: 'Cache me',
      temperature: 0,
    });
    expect(second).toBe(first);
    expect(harness.requests()).toBe(requests);
    // A new client on the same home reads the same disk cache.
    const other = harness.newClient();
    expect(await other.complete({ model: 'gpt-4o-mini', prompt: 'Cache me', temperature: 0 })).toBe(first);
    expect(harness.requests()).toBe(requests);
    expect(harness.client.getCallStatus()['gpt-4o-mini']).toMatchObject({ cacheHits: 1, cacheMisses: 1 });
  });
});
