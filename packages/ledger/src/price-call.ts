import type { CallUsage } from './call-record.js';
import type { ResolvedPrices } from './resolve-prices.js';

/** What a call's tokens cost at its rates. Unknown parts are `undefined`, never 0. */
export interface CallCost {
  /** Input cost (cached input at the cached rate). @unit USD */
  inputUsd: number | undefined;
  /** Output cost (reasoning tokens included). @unit USD */
  outputUsd: number | undefined;
  /** `inputUsd + outputUsd`, `undefined` if either is unknown. @unit USD */
  totalUsd: number | undefined;
  /** Where the rates came from (see `ResolvedPrices.source`). */
  source: string;
}

/** Batch API discount applied to every rate (the price data carries no batch prices for OpenAI models). */
export const batchPriceFactor = 0.5;

/**
 * Prices one call's usage. Batch calls pay `batchPriceFactor` of every rate. With no usage, or a needed rate
 * unknown, the affected cost is `undefined`; a zero token count needs no rate.
 */
export function priceCall(
  usage: CallUsage | undefined,
  prices: ResolvedPrices,
  options: { batch?: boolean } = {},
): CallCost {
  if (usage === undefined) {
    return { inputUsd: undefined, outputUsd: undefined, totalUsd: undefined, source: prices.source };
  }
  const factor = options.batch === true ? batchPriceFactor : 1;
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  const inputUsd = sum(
    cost(uncached, prices.inputPerMillion, factor),
    cost(cached, prices.cachedInputPerMillion, factor),
  );
  const outputUsd = cost(usage.outputTokens, prices.outputPerMillion, factor);
  return { inputUsd, outputUsd, totalUsd: sum(inputUsd, outputUsd), source: prices.source };
}

function cost(tokens: number, perMillion: number | undefined, factor: number): number | undefined {
  if (tokens === 0) return 0;
  return perMillion === undefined ? undefined : (tokens / 1_000_000) * perMillion * factor;
}

function sum(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}
