import { afterEach, describe, expect, it } from 'vitest';
import { RequestTooLargeError } from './errors';
import { startHarness, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

/** About 60,000 tokens: far over a 40,000 tpm limit. */
const huge = 'lorem '.repeat(60_000);
const small = Array.from({ length: 6 }, (_, index) => `A small question number ${index}`);

describe('a request larger than the model’s tpm', () => {
  it('fails at once with RequestTooLargeError (size and limit), is never sent, and holds nothing back', async () => {
    harness = await startHarness({ mock: { limits: { tpm: 40_000 } }, params: { tpm: 40_000 } });
    const error = await harness.client
      .complete({ model: 'gpt-4o-mini', prompt: huge })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(RequestTooLargeError);
    expect(error).toMatchObject({ limit: 40_000, model: 'gpt-4o-mini' });
    expect((error as RequestTooLargeError).tokens).toBeGreaterThan(40_000);
    expect((error as Error).message).toMatch(
      /too large: \d+ tokens against a limit of 40000 tokens per minute/,
    );
    expect(harness.requests()).toBe(0);

    // In a batch, the other lines go through at once; nothing is paused.
    const results = await harness.client.batchComplete([huge, ...small], {
      model: 'gpt-4o-mini',
      concurrency: 4,
      progress: false,
      returnErrors: true,
    });
    expect(results[0]).toBeInstanceOf(RequestTooLargeError);
    expect(results.slice(1).every((result) => typeof result === 'string')).toBe(true);
    expect(harness.server.stats()).toMatchObject({ requests: small.length, rateLimited: 0 });
    expect(harness.logs.join('\n')).not.toMatch(/pausing/);
  });

  it('fails at once on the provider’s "Request too large" 429 without pausing the model for the others', async () => {
    // Our limit is higher than the provider's: only the provider can tell.
    harness = await startHarness({ mock: { limits: { tpm: 40_000 } }, params: { tpm: 1_000_000 } });
    const results = await harness.client.batchComplete([huge, ...small], {
      model: 'gpt-4o-mini',
      concurrency: 1,
      progress: false,
      returnErrors: true,
    });
    const error = results[0] as RequestTooLargeError;
    expect(error).toBeInstanceOf(RequestTooLargeError);
    expect(error).toMatchObject({ limit: 40_000, status: 429, attempts: 1 });
    expect(error.tokens).toBeGreaterThan(40_000);
    expect(results.slice(1).every((result) => typeof result === 'string')).toBe(true);
    // One 429 (the large request, not retried); the others were not held back by a pause.
    expect(harness.server.stats().rateLimited).toBe(1);
    expect(harness.logs.join('\n')).not.toMatch(/pausing/);
  });

  it('is refused the same way by stream() and complete(), before any budget hold (a stream held first)', async () => {
    harness = await startHarness({
      mock: { limits: { tpm: 40_000 } },
      params: { tpm: 40_000, input_cost_per_million: 1000, output_cost_per_million: 2000 },
    });
    // The oversized prompt's worst case (~$60) is over this cap: a hold taken first would refuse it as a budget.
    const client = harness.newClient({ maxUsd: 1 });
    const streamed = await (async () => {
      for await (const _delta of client.stream({ model: 'gpt-4o-mini', prompt: huge })) break;
    })().catch((failure: unknown) => failure);
    expect(streamed).toBeInstanceOf(RequestTooLargeError);
    const completed = await client
      .complete({ model: 'gpt-4o-mini', prompt: huge })
      .catch((failure: unknown) => failure);
    expect(completed).toBeInstanceOf(RequestTooLargeError);
    expect(harness.requests()).toBe(0);
  });
});
