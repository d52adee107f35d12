import type OpenAI from 'openai';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { batchComplete, complete, stream } from './default-client';
import type { MaxllmClientError } from './errors';
import type { MaxllmClient } from './types';

// Type-level checks: `pnpm typecheck` fails when an overload regresses. The function is never called.
function typeChecks(client: MaxllmClient): void {
  expectTypeOf(client.complete({ prompt: 'hi' })).resolves.toEqualTypeOf<string>();
  expectTypeOf(client.complete({ prompt: 'hi', meta: { row: 1 } })).resolves.toEqualTypeOf<
    [string, { row: number }]
  >();
  expectTypeOf(client.complete({ prompt: 'hi', meta: null })).resolves.toEqualTypeOf<string>();
  expectTypeOf(client.complete({ prompt: 'hi', meta: 0 })).resolves.toEqualTypeOf<[string, number]>();
  const schema = z.object({ name: z.string(), tags: z.array(z.string()) });
  expectTypeOf(client.complete({ prompt: 'hi', jsonFormat: schema })).resolves.toEqualTypeOf<{
    name: string;
    tags: string[];
  }>();
  expectTypeOf(client.complete({ prompt: 'hi', jsonMode: true })).resolves.toEqualTypeOf<string>();
  expectTypeOf(client.complete({ input: 'text' })).resolves.toEqualTypeOf<number[]>();
  expectTypeOf(client.complete({ input: ['a', 'b'] })).resolves.toEqualTypeOf<number[][]>();
  expectTypeOf(
    client.complete({ input: 'text', raw: true }),
  ).resolves.toEqualTypeOf<OpenAI.CreateEmbeddingResponse>();
  expectTypeOf(client.complete({ prompt: 'hi', tools: [] })).resolves.toEqualTypeOf<string | null>();
  expectTypeOf(client.stream({ prompt: 'hi' })).toEqualTypeOf<AsyncIterable<string>>();
}

// Misspelt and Python-style keys are compile errors (each `@ts-expect-error` fails `typecheck` when its line compiles,
// so loosening the types breaks this file). Never called.
function keyChecks(client: MaxllmClient): void {
  // @ts-expect-error misspelt option
  void client.complete({ prompt: 'hi', focre: true });
  // @ts-expect-error misspelt option
  void client.complete({ prompt: 'hi', metaa: 1 });
  // @ts-expect-error misspelt body parameter
  void client.complete({ prompt: 'hi', temprature: 0 });
  // @ts-expect-error a body parameter of the wrong type
  void client.complete({ prompt: 'hi', temperature: 'hot' });
  // @ts-expect-error Python spelling
  void client.complete({ prompt: 'hi', system_prompt: 'Be brief' });
  // @ts-expect-error Python spelling
  void client.complete({ prompt: 'hi', json_mode: true });
  // @ts-expect-error Python spelling
  void client.complete({ prompt: 'hi', history_messages: [] });
  // @ts-expect-error Python spelling
  void client.complete({ prompt: 'hi', request_flag: 1 });
  // @ts-expect-error the old name of timeoutMs
  void client.complete({ prompt: 'hi', timeout: 60 });
  // @ts-expect-error misspelt option on the default client
  void complete({ prompt: 'hi', focre: true });
  // @ts-expect-error Python spelling on the default client
  void complete({ prompt: 'hi', system_prompt: 'Be brief' });

  // @ts-expect-error misspelt option
  client.stream({ prompt: 'hi', focre: true });
  // @ts-expect-error Python spelling
  client.stream({ prompt: 'hi', system_prompt: 'Be brief' });
  // @ts-expect-error Python spelling on the default client
  stream({ prompt: 'hi', json_mode: true });

  // @ts-expect-error misspelt embeddings parameter
  void client.complete({ input: ['a', 'b'], dimension: 8 });
  // @ts-expect-error Python spelling of an embeddings input
  void client.complete({ inputs: ['a', 'b'] });

  // @ts-expect-error misspelt item key
  void client.batchComplete([{ prompt: 'a' }, { prompt: 'b', focre: true }]);
  // @ts-expect-error Python spelling in an item, among prompt strings
  void client.batchComplete(['a', { prompt: 'b', system_prompt: 'Be brief' }]);
  // @ts-expect-error misspelt option
  void client.batchComplete(['a'], { concurency: 4 });
  // @ts-expect-error Python spelling in the options
  void client.batchComplete(['a'], { json_mode: true });
  // @ts-expect-error misspelt option on the default client
  void batchComplete(['a'], { concurency: 4 });

  // What is right still compiles: every endpoint's parameters, extraBody for a provider's own.
  void client.complete({ prompt: 'hi', temperature: 0, reasoning_effort: 'low', max_output_tokens: 5 });
  void client.complete({ input: ['a'], dimensions: 8, timeoutMs: 5_000 });
  void client.complete({ prompt: 'hi', extraBody: { top_k: 5, repetition_penalty: 1.1 } });
  void client.batchComplete(['a'], { concurrency: 4, temperature: 0, systemPrompt: 'Be brief' });
}

// batchComplete results are typed per item and by the options. Never called.
function batchTypes(client: MaxllmClient): void {
  expectTypeOf(client.batchComplete(['a', 'b'])).resolves.toEqualTypeOf<Array<string | null>>();
  expectTypeOf(batchComplete(['a', 'b'])).resolves.toEqualTypeOf<Array<string | null>>();
  expectTypeOf(client.batchComplete(['a'], { placeholder: '' })).resolves.toEqualTypeOf<string[]>();
  expectTypeOf(client.batchComplete([{ input: ['a', 'b'] }])).resolves.toEqualTypeOf<
    Array<number[][] | null>
  >();
  const schema = z.object({ city: z.string() });
  expectTypeOf(client.batchComplete(['a'], { jsonFormat: schema })).resolves.toEqualTypeOf<
    Array<{ city: string } | null>
  >();
  expectTypeOf(client.batchComplete(['a'], { returnErrors: true })).resolves.toEqualTypeOf<
    Array<string | null | MaxllmClientError>
  >();
}

describe('request key types', () => {
  it('are checked by tsc', () => {
    expectTypeOf(keyChecks).toBeFunction();
    expectTypeOf(batchTypes).toBeFunction();
  });
});

describe('complete() result types', () => {
  it('are checked by tsc', () => {
    expectTypeOf(typeChecks).toBeFunction();
  });
});
