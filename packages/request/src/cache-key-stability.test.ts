import { describe, expect, it } from 'vitest';
import { prepareRequest } from './prepare-request';
import type { RequestTarget } from './types';

// Keys computed by the release before the key's fast path (canonical JSON by its generic writer): a cache filled
// then must still be hit. A change here orphans every user's cache.
const target: RequestTarget = {
  model: 'gpt-4o-mini',
  uniqueName: 'gpt-4o-mini',
  apiBase: 'https://api.openai.com/v1/',
  mode: 'chat',
};

describe('cache keys stay what earlier releases computed', () => {
  it.each([
    [
      'a plain prompt',
      { model: 'gpt-4o-mini', prompt: 'hello' },
      target,
      {},
      'v1-5d5627fb7f07a6c8aa47f7f8c34dee205c853083e9054a4dfb71cfd98131ea6b',
    ],
    [
      'system prompt, parameters, unkeyed user, request flag',
      {
        model: 'gpt-4o-mini',
        prompt: 'hello',
        systemPrompt: 'Be brief.',
        temperature: 0,
        max_tokens: 50,
        seed: 7,
        user: 'u1',
      },
      target,
      { requestFlag: 'run-2' },
      'v1-afcd5164387a9c0b462b0ffebd10d5f92c52713741f09346a33f23c011d63c48',
    ],
    [
      'embeddings',
      { model: 'e', prompt: ['a', 'b'] },
      { ...target, mode: 'embedding' as const },
      {},
      'v1-c0c490ac809bbc40a2df4f21eebe235bf0e8f055afa186d38152d80c520a04d1',
    ],
    [
      'responses',
      { model: 'gpt-5', prompt: 'x', api: 'responses' as const, reasoning: { effort: 'low' as const } },
      target,
      {},
      'v1-cd830b30a3e82684eb513cc0e0cdc4af126f30b6bc01e790cf39b70346ffd8c6',
    ],
  ])('%s', (_name, request, requestTarget, options, key) => {
    expect(prepareRequest(request, requestTarget, options).cacheKey).toBe(key);
  });
});
