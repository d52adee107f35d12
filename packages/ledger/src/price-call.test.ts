import { describe, expect, it } from 'vitest';
import { priceCall } from './price-call.js';
import { priceDataSource } from './price-data.js';
import { resolvePrices } from './resolve-prices.js';

const overrides = { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 };

describe('priceCall', () => {
  it('prices uncached input, cached input and output at their own rates', () => {
    const prices = resolvePrices('my-model', overrides);
    const cost = priceCall(
      { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 250_000 },
      prices,
    );
    // 600k * $2/M + 400k * $0.5/M = 1.2 + 0.2; 250k * $8/M = 2
    expect(cost.inputUsd).toBeCloseTo(1.4, 12);
    expect(cost.outputUsd).toBeCloseTo(2, 12);
    expect(cost.totalUsd).toBeCloseTo(3.4, 12);
    expect(cost.source).toBe('config');
  });

  it('halves every rate for batch calls', () => {
    const prices = resolvePrices('my-model', overrides);
    const usage = { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 250_000 };
    expect(priceCall(usage, prices, { batch: true }).totalUsd).toBeCloseTo(1.7, 12);
  });

  it('leaves costs undefined without usage or with an unknown rate, but needs no rate for zero tokens', () => {
    const unknown = resolvePrices('no-such-model-xyz');
    expect(unknown.source).toBe('unknown');
    expect(priceCall(undefined, resolvePrices('my-model', overrides)).totalUsd).toBeUndefined();
    const cost = priceCall({ inputTokens: 10, outputTokens: 5 }, unknown);
    expect(cost).toEqual({
      inputUsd: undefined,
      outputUsd: undefined,
      totalUsd: undefined,
      source: 'unknown',
    });
    expect(priceCall({ inputTokens: 0, outputTokens: 0 }, unknown).totalUsd).toBe(0);
  });
});

describe('resolvePrices', () => {
  it('reads gpt-4o-mini from the price data package, cached input discounted', () => {
    const prices = resolvePrices('gpt-4o-mini');
    expect(prices.source).toBe(priceDataSource);
    expect(priceDataSource).toMatch(/^@pydantic\/genai-prices@\d+\.\d+\.\d+/);
    expect(prices.inputPerMillion).toBeCloseTo(0.15, 9);
    expect(prices.outputPerMillion).toBeCloseTo(0.6, 9);
    expect(prices.cachedInputPerMillion).toBeCloseTo(0.075, 9);
  });

  it('lets config overrides win field by field and labels mixed sources', () => {
    const prices = resolvePrices('gpt-4o-mini', { outputPerMillion: 1 });
    expect(prices.outputPerMillion).toBe(1);
    expect(prices.inputPerMillion).toBeCloseTo(0.15, 9);
    expect(prices.source).toBe(`config+${priceDataSource}`);
  });

  it('prices cached input like input when only the input rate is overridden', () => {
    const prices = resolvePrices('gpt-4o-mini', { inputPerMillion: 1, outputPerMillion: 2 });
    expect(prices).toEqual({
      inputPerMillion: 1,
      outputPerMillion: 2,
      cachedInputPerMillion: 1,
      source: 'config',
    });
  });
});
