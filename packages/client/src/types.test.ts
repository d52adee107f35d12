import type OpenAI from 'openai';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
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

describe('complete() result types', () => {
  it('are checked by tsc', () => {
    expectTypeOf(typeChecks).toBeFunction();
  });
});
