import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

describe('against strict provider limits', () => {
  it('batchComplete stays under the mock’s rpm and tpm: zero 429s, every result in order', async () => {
    // A 1 s window on both sides keeps the test short; the arithmetic is the same as per minute.
    const limits = { rpm: 30, tpm: 3000 };
    harness = await startHarness({
      mock: { limits, windowMs: 1000, output: { meanTokens: 20, spread: 0.5 } },
      params: limits,
      client: { rateWindowMs: 1000 },
    });
    const prompts = Array.from({ length: 80 }, (_, index) => `Strict limit prompt number ${index}`);
    const results = await harness.client.batchComplete(prompts, {
      model: 'gpt-4o-mini',
      concurrency: 20,
      progress: false,
    });
    expect(harness.server.stats().rateLimited).toBe(0);
    expect(results.every((result) => typeof result === 'string')).toBe(true);
    for (const [index, prompt] of prompts.entries()) {
      expect(await harness.client.complete({ model: 'gpt-4o-mini', prompt })).toBe(results[index]);
    }
    expect(harness.server.stats().byModel['gpt-4o-mini']?.requests).toBe(80);
  }, 30_000); // ~3 s of windows at the limit by design: on a loaded host it outlasts the 5 s default
});

describe('output caps', () => {
  it('reserves prompt + max_tokens, which is what the provider charges at admission: zero 429s', async () => {
    // Real outputs (~20 tokens) are far below the cap, so a limiter that reserved and settled actual output would
    // admit ~4× too much against a provider that counts max_tokens.
    const limits = { rpm: 1000, tpm: 2400 };
    harness = await startHarness({
      mock: { limits, windowMs: 1000, output: { meanTokens: 20, spread: 0.5 }, tokenAccounting: 'reserved' },
      params: limits,
      client: { rateWindowMs: 1000 },
    });
    const prompts = Array.from({ length: 40 }, (_, index) => `Capped prompt ${index}`);
    const results = await harness.client.batchComplete(prompts, {
      model: 'gpt-4o-mini',
      concurrency: 20,
      progress: false,
      max_tokens: 200,
    });
    expect(results.every((result) => typeof result === 'string')).toBe(true);
    expect(harness.server.stats().rateLimited).toBe(0);
  });
});
