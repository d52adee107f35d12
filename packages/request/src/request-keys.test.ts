import { describe, expectTypeOf, it } from 'vitest';
import type { ChatParams, CompletionParams, EmbeddingParams, ResponsesParams } from './body-params';
import type { OWN_KEYS, PARAM_KEYS } from './request-keys';
import type { MaxllmOptions } from './types';

// Type-level ties (checked by `typecheck`): the run-time key lists are exactly the keys of the types. An `openai`
// upgrade that adds or drops a body parameter, or a new MaxLLM option, fails here until the list follows.
describe('request key lists', () => {
  it('are the SDK param types’ keys, endpoint by endpoint', () => {
    expectTypeOf<(typeof PARAM_KEYS.chat)[number]>().toEqualTypeOf<keyof ChatParams>();
    expectTypeOf<(typeof PARAM_KEYS.completion)[number]>().toEqualTypeOf<keyof CompletionParams>();
    expectTypeOf<(typeof PARAM_KEYS.embedding)[number]>().toEqualTypeOf<keyof EmbeddingParams>();
    expectTypeOf<(typeof PARAM_KEYS.responses)[number]>().toEqualTypeOf<keyof ResponsesParams>();
  });

  it("are MaxllmOptions' keys", () => {
    expectTypeOf<(typeof OWN_KEYS)[number]>().toEqualTypeOf<keyof MaxllmOptions>();
  });
});
