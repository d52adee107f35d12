import { afterEach, describe, expect, it } from 'vitest';
import type { CompleteRequest } from '@maxllm/request';
import { InvalidClientRequestError } from './errors';
import { recordingFetch, startHarness, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

const model = 'gpt-4o-mini';
const embeddingModel = 'text-embedding-3-small';

/** A request built at run time (from JSON, or written by a Python habit): the compiler cannot see its keys. */
const untyped = (request: Record<string, unknown>): CompleteRequest => request;

async function rejection(promise: Promise<unknown>): Promise<InvalidClientRequestError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(InvalidClientRequestError.isInstance(error)).toBe(true);
  return error as InvalidClientRequestError;
}

describe('unknown request keys at run time', () => {
  it('complete() refuses a Python spelling before sending anything, naming the TypeScript name', async () => {
    const recorder = recordingFetch();
    harness = await startHarness({ client: { fetch: recorder.fetch } });
    const error = await rejection(
      harness.client.complete(untyped({ model, prompt: 'hi', system_prompt: 'Be brief.', meta: 7 })),
    );
    expect(error.message).toContain("'system_prompt'");
    expect(error.message).toContain("'systemPrompt'");
    expect(error.meta).toBe(7);
    for (const [key, name] of [
      ['json_mode', 'jsonMode'],
      ['history_messages', 'historyMessages'],
      ['request_flag', 'requestFlag'],
      ['json_format', 'jsonFormat'],
      ['timeout', 'timeoutMs'],
    ]) {
      const message = (await rejection(harness.client.complete(untyped({ model, prompt: 'hi', [key!]: 1 }))))
        .message;
      expect(message).toContain(`'${key}'`);
      expect(message).toContain(`'${name}'`);
    }
    expect(recorder.bodies).toHaveLength(0);
  });

  it('complete() refuses a misspelt key; embeddings too; stream() while iterating', async () => {
    harness = await startHarness();
    const focre = await rejection(harness.client.complete(untyped({ model, prompt: 'hi', focre: true })));
    expect(focre.message).toMatch(/'focre'.*'force'/);
    const embedding = await rejection(
      harness.client.complete(untyped({ model: embeddingModel, input: ['a', 'b'], dimension: 8 })),
    );
    expect(embedding.message).toMatch(/'dimension'.*'dimensions'/);
    const streamed = async (): Promise<void> => {
      for await (const _delta of harness.client.stream(untyped({ model, prompt: 'hi', metaa: 1 }))) {
        // never reached
      }
    };
    expect((await rejection(streamed())).message).toMatch(/'metaa'.*'meta'/);
  });

  it('extraBody sends a provider-specific parameter as it is', async () => {
    const recorder = recordingFetch();
    harness = await startHarness({ client: { fetch: recorder.fetch } });
    await harness.client.complete({ model, prompt: 'hi', extraBody: { top_k: 5 } });
    expect(recorder.bodies[0]).toMatchObject({ top_k: 5 });
    expect(recorder.bodies[0]).not.toHaveProperty('extraBody');
  });

  it('batchComplete refuses an unknown option before any item runs, online and via the Batch API', async () => {
    const recorder = recordingFetch();
    harness = await startHarness({ client: { fetch: recorder.fetch } });
    const options = { model, concurency: 4, progress: false } as never;
    expect((await rejection(harness.client.batchComplete(['a'], options))).message).toMatch(
      /batchComplete options: .*'concurency'.*'concurrency'/,
    );
    const viaBatch = { model, via: 'batch', system_prompt: 'x', progress: false } as never;
    expect((await rejection(harness.client.batchComplete(['a'], viaBatch))).message).toContain(
      "'systemPrompt'",
    );
    expect(recorder.bodies).toHaveLength(0);
  });

  it('batchComplete fails an item with an unknown key on its own, like any failed item', async () => {
    harness = await startHarness();
    const items = ['a', untyped({ prompt: 'b', system_prompt: 'x' })];
    const results = await harness.client.batchComplete(items, { model, progress: false, returnErrors: true });
    expect(typeof results[0]).toBe('string');
    expect(InvalidClientRequestError.isInstance(results[1])).toBe(true);
  });
});
