import { afterEach, describe, expect, it } from 'vitest';
import { chunk } from './embed-many';
import { recordingFetch, startHarness, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

const model = 'text-embedding-3-small';

describe('embeddings', () => {
  it('returns number[] for a string and number[][] for a list, in input order', async () => {
    harness = await startHarness();
    const single = await harness.client.complete({ model, input: 'alpha' });
    expect(single).toHaveLength(1536);
    expect(typeof single[0]).toBe('number');
    const list = await harness.client.complete({ model, input: ['beta', 'alpha', 'gamma'] });
    expect(list).toHaveLength(3);
    expect(list[1]).toEqual(single); // 'alpha' came from the cache, same vector
    const viaPrompt = (await harness.client.complete({ model, prompt: 'beta' })) as unknown as number[];
    expect(viaPrompt).toEqual(list[0]);
  });

  it('sends identical inputs once and only the inputs missing from the cache', async () => {
    const recorder = recordingFetch();
    harness = await startHarness({ client: { fetch: recorder.fetch } });
    const first = await harness.client.complete({ model, input: ['a', 'b', 'a', 'b'] });
    expect(recorder.bodies[0]?.input).toEqual(['a', 'b']);
    expect(first[0]).toEqual(first[2]);
    expect(first[1]).toEqual(first[3]);
    const second = await harness.client.complete({ model, input: ['c', 'a', 'b'] });
    expect(recorder.bodies).toHaveLength(2);
    expect(recorder.bodies[1]?.input).toEqual(['c']);
    expect(second[1]).toEqual(first[0]);
    expect(second[2]).toEqual(first[1]);
    await harness.client.complete({ model, input: ['b', 'c'] });
    expect(recorder.bodies).toHaveLength(2); // fully cached
  });

  it('splits large lists into requests within the per-request limits', async () => {
    const recorder = recordingFetch();
    harness = await startHarness({ client: { fetch: recorder.fetch, embeddingBatchSize: 2 } });
    const inputs = ['one', 'two', 'three', 'four', 'five'];
    const vectors = await harness.client.complete({ model, input: inputs });
    expect(recorder.bodies.map((body) => body.input)).toEqual([['one', 'two'], ['three', 'four'], ['five']]);
    const fresh = harness.newClient({ fetch: recorder.fetch, requestFlag: 'other' });
    for (const [index, input] of inputs.entries()) {
      expect(await fresh.complete({ model, input })).toEqual(vectors[index]);
    }
  });

  it('chunks by input count and by estimated tokens', () => {
    expect(chunk(['a', 'b', 'c'], 2, 1000, model)).toEqual([['a', 'b'], ['c']]);
    const long = 'word '.repeat(50);
    expect(chunk([long, long, 'x'], 100, 60, model)).toEqual([[long], [long, 'x']]);
  });
});
