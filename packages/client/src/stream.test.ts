import { afterEach, describe, expect, it } from 'vitest';
import { readLedgerRows } from '@maxllm/ledger';
import type { CompleteRequest } from '@maxllm/request';
import { InvalidClientRequestError } from './errors';
import { startHarness, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

const model = 'gpt-4o-mini';

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe('stream()', () => {
  it('yields text deltas, settles the ledger with usage and replays the cached answer', async () => {
    harness = await startHarness({ mock: { output: { meanTokens: 30, spread: 0 } } });
    const deltas = await collect(harness.client.stream({ model, prompt: 'Stream it' }));
    expect(deltas.length).toBeGreaterThan(1);
    const text = deltas.join('');
    expect(harness.requests()).toBe(1);
    const status = harness.client.getCallStatus(model)[model];
    expect(status).toMatchObject({ cacheMisses: 1 });
    expect(status?.missOutputTokens).toBeGreaterThan(0);

    const replay = await collect(harness.client.stream({ model, prompt: 'Stream it' }));
    expect(replay.join('')).toBe(text);
    expect(await harness.client.complete({ model, prompt: 'Stream it' })).toBe(text);
    expect(harness.requests()).toBe(1);
  });

  it('prepares a missed request once per member, as complete() does (it prepared it twice)', async () => {
    harness = await startHarness();
    let reads = 0;
    // A getter on the prompt counts how often the request is prepared (each prepare reads it).
    const counted = (prompt: string): CompleteRequest => {
      const request: CompleteRequest = { model };
      Object.defineProperty(request, 'prompt', {
        enumerable: true,
        get: () => {
          reads++;
          return prompt;
        },
      });
      return request;
    };
    await harness.client.complete(counted('complete once'));
    const completeReads = reads;
    reads = 0;
    await collect(harness.client.stream(counted('stream once')));
    expect(harness.requests()).toBe(2);
    expect(reads).toBe(completeReads);
  });

  it('writes callId to its row, and a resumed hit of a recorded callId gets no second row (as complete())', async () => {
    harness = await startHarness();
    await collect(harness.client.stream({ model, prompt: 'Resume me', callId: 'line-1' }));
    await harness.client.flush();
    const resumed = harness.newClient({ recordedCallIds: new Set(['line-1']) });
    expect((await collect(resumed.stream({ model, prompt: 'Resume me', callId: 'line-1' }))).length).toBe(1);
    await resumed.flush();
    const rows = [];
    for await (const row of readLedgerRows(harness.client.config.paths.ledger)) rows.push(row);
    expect(rows.map((row) => row.call_id)).toEqual(['line-1']);
    expect(harness.requests()).toBe(1);
  });

  it('does not cache a stream the consumer left early', async () => {
    harness = await startHarness({ mock: { output: { meanTokens: 60, spread: 0 } } });
    for await (const _delta of harness.client.stream({ model, prompt: 'Leave early' })) break;
    await harness.client.complete({ model, prompt: 'Leave early' });
    expect(harness.requests()).toBe(2);
  });

  it('refuses an embedding model', async () => {
    harness = await startHarness();
    await expect(
      collect(harness.client.stream({ model: 'text-embedding-3-small', prompt: 'x' })),
    ).rejects.toBeInstanceOf(InvalidClientRequestError);
    expect(harness.requests()).toBe(0);
  });

  it('retries before the first delta (5xx, 429) like complete()', async () => {
    harness = await startHarness();
    harness.server.enqueueFaults([{ fault: 'error503' }, { fault: 'rate_limit_tokens' }]);
    const deltas = await collect(harness.client.stream({ model, prompt: 'retry me' }));
    expect(deltas.join('').length).toBeGreaterThan(0);
    expect(harness.server.stats()).toMatchObject({ requests: 3, rateLimited: 1 });
  });

  it('moves on to another member when one is out of quota', async () => {
    harness = await startHarness();
    harness.server.enqueueFaults([{ fault: 'insufficient_quota', model: 'model-a' }]);
    const deltas = await collect(harness.client.stream({ model: 'model-a+model-b', prompt: 'quota a' }));
    expect(deltas.join('').length).toBeGreaterThan(0);
    const byModel = harness.server.stats().byModel;
    expect([byModel['model-a']?.requests, byModel['model-b']?.requests]).toEqual([1, 1]);
    await collect(harness.client.stream({ model: 'model-a+model-b', prompt: 'quota b' }));
    expect(harness.server.stats().byModel['model-b']?.requests).toBe(2);
  });
});
