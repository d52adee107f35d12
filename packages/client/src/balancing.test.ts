import { afterEach, describe, expect, it } from 'vitest';
import { QuotaExceededError } from './errors';
import { parseModelSpec } from './model-spec';
import { startHarness, type Harness } from './test-harness';
import { createWeightedSelector } from './weighted-selector';

let harness: Harness;
afterEach(async () => harness?.close());

describe('parseModelSpec', () => {
  it('uses a single model verbatim, even with a colon', () => {
    expect(parseModelSpec(' llama3:8b ')).toEqual([{ alias: 'llama3:8b', weight: undefined }]);
  });
  it('splits members and weights at the last colon', () => {
    expect(parseModelSpec('gpt-4o-mini:1 + llama3:8b:2.5 + other')).toEqual([
      { alias: 'gpt-4o-mini', weight: 1 },
      { alias: 'llama3:8b', weight: 2.5 },
      { alias: 'other', weight: undefined },
    ]);
  });
  it('rejects a weight that is not a positive number, and empty members', () => {
    expect(() => parseModelSpec('llama3:8b+gpt-4o')).toThrow(/explicit weight/);
    expect(() => parseModelSpec('a:0+b:1')).toThrow(/positive number/);
    expect(() => parseModelSpec('a++b')).toThrow(/empty member/);
  });
});

describe('createWeightedSelector', () => {
  it('is the smooth weighted round-robin: weights 1:2 give b, a, b, b, a, b', () => {
    const selector = createWeightedSelector(['a', 'b'], [1, 2]);
    expect(Array.from({ length: 6 }, () => selector.next())).toEqual(['b', 'a', 'b', 'b', 'a', 'b']);
  });
  it('skips removed members and returns undefined when none is left', () => {
    const selector = createWeightedSelector(['a', 'b'], [1, 1]);
    selector.remove('a');
    expect([selector.next(), selector.next()]).toEqual(['b', 'b']);
    selector.remove('b');
    expect(selector.next()).toBeUndefined();
  });
});

describe('weighted balancing through complete()', () => {
  it('splits 300 calls 1:2 between the members', async () => {
    harness = await startHarness();
    for (let index = 0; index < 300; index++) {
      await harness.client.complete({
        model: 'model-a:1+model-b:2',
        prompt: `question ${index}`,
        max_tokens: 1,
      });
    }
    const byModel = harness.server.stats().byModel;
    expect(byModel['model-a']?.requests).toBe(100);
    expect(byModel['model-b']?.requests).toBe(200);
  }, 30_000); // 300 sequential HTTP calls: on a loaded 2-core host this outlasts the 5 s default

  it('takes a weight from the config when the spec omits it', async () => {
    harness = await startHarness({
      models: [{ model_name: 'heavy', litellm_params: { model: 'model-heavy', weight: 3 } }],
    });
    for (let index = 0; index < 40; index++) {
      await harness.client.complete({ model: 'model-a+heavy', prompt: `q ${index}`, max_tokens: 1 });
    }
    expect(harness.server.stats().byModel['model-a']?.requests).toBe(10);
    expect(harness.server.stats().byModel['model-heavy']?.requests).toBe(30);
  });

  it('serves a cache hit from any member before picking one', async () => {
    harness = await startHarness();
    const answer = await harness.client.complete({ model: 'model-a', prompt: 'cached on a' });
    for (let index = 0; index < 4; index++) {
      expect(await harness.client.complete({ model: 'model-b:5+model-a:1', prompt: 'cached on a' })).toBe(
        answer,
      );
    }
    expect(harness.requests()).toBe(1);
  });

  it('takes a member out of the rotation when its quota runs out', async () => {
    harness = await startHarness();
    harness.server.enqueueFaults([{ fault: 'insufficient_quota', model: 'model-b' }]);
    for (let index = 0; index < 6; index++) {
      expect(typeof (await harness.client.complete({ model: 'model-a+model-b', prompt: `p ${index}` }))).toBe(
        'string',
      );
    }
    const byModel = harness.server.stats().byModel;
    expect(byModel['model-b']?.requests).toBe(1); // the refused one only
    expect(byModel['model-a']?.requests).toBe(6);
    expect(harness.logs.some((line) => line.includes('out of quota'))).toBe(true);
  });

  it('throws QuotaExceededError when the only member runs out', async () => {
    harness = await startHarness();
    harness.server.enqueueFaults([{ fault: 'insufficient_quota' }, { fault: 'insufficient_quota' }]);
    await expect(harness.client.complete({ model: 'model-a', prompt: 'x' })).rejects.toBeInstanceOf(
      QuotaExceededError,
    );
    expect(harness.requests()).toBe(1);
  });
});
