import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

const model = 'gpt-4o-mini';

describe('batchComplete of 2,000 prompts against strict limits', () => {
  it('gets zero 429s and returns every result in input order', async () => {
    // The mock enforces rpm and tpm over ANY trailing 1 s window (a sliding log); the client is told the same
    // window. 2,000 prompts need several windows on either limit: the limiter has to hold the run back.
    const limits = { rpm: 1000, tpm: 30_000 };
    harness = await startHarness({
      mock: { limits, windowMs: 1000, output: { meanTokens: 20, spread: 0.5 } },
      params: limits,
      client: { rateWindowMs: 1000 },
    });
    const prompts = Array.from(
      { length: 2000 },
      (_, index) => `Strict prompt ${index}: ${'why '.repeat(index % 7)}?`,
    );
    const results = await harness.client.batchComplete(prompts, { model, concurrency: 100, progress: false });
    const stats = harness.server.stats();
    expect(stats.rateLimited).toBe(0);
    expect(stats.byModel[model]?.requests).toBe(2000);
    expect(stats.byModel[model]!.admittedTokens).toBeGreaterThan(2 * limits.tpm); // tpm binds too
    expect(results).toHaveLength(2000);
    expect(results.every((result) => typeof result === 'string' && result !== '')).toBe(true);
    // In input order: each slot holds what complete() returns for that very prompt (a cache hit, no request).
    for (let start = 0; start < prompts.length; start += 200) {
      const slice = prompts.slice(start, start + 200);
      const again = await Promise.all(slice.map((prompt) => harness.client.complete({ model, prompt })));
      expect(again).toEqual(results.slice(start, start + 200));
    }
    expect(harness.server.stats().byModel[model]?.requests).toBe(2000);
    expect(new Set(results).size).toBeGreaterThan(1900); // answers differ per prompt, so order is really checked
  }, 60_000);
});
