import type { PriceOverrides } from './call-record.js';
import { lookupModelRates, priceDataSource } from './price-data.js';

/** The rates used to price a model's calls and where they came from. */
export interface ResolvedPrices {
  /** Uncached input rate; `undefined` = unknown. @unit USD per 1M tokens */
  inputPerMillion: number | undefined;
  /** Output rate; `undefined` = unknown. @unit USD per 1M tokens */
  outputPerMillion: number | undefined;
  /** Provider-cached input rate; `undefined` = unknown. @unit USD per 1M tokens */
  cachedInputPerMillion: number | undefined;
  /**
   * `'config'` (all from overrides), `'<package>@<version>'` (all from the data package),
   * `'config+<package>@<version>'` (mixed) or `'unknown'`.
   */
  source: string;
}

/**
 * Resolves a model's rates: config overrides win field by field, the rest comes from `@pydantic/genai-prices`.
 * When the input rate is overridden but the cached one is not, cached input is priced like input (no discount assumed).
 */
export function resolvePrices(model: string, overrides?: PriceOverrides): ResolvedPrices {
  const input = overrides?.inputPerMillion;
  const output = overrides?.outputPerMillion;
  const cachedOverride = overrides?.cachedInputPerMillion;
  const fromConfig = input !== undefined || output !== undefined || cachedOverride !== undefined;
  const needsData = input === undefined || output === undefined;
  const data = needsData ? lookupModelRates(model) : undefined;
  const inputRate = input ?? data?.input;
  const cachedRate = cachedOverride ?? (input === undefined ? data?.cachedInput : input);
  const resolved = {
    inputPerMillion: inputRate,
    outputPerMillion: output ?? data?.output,
    cachedInputPerMillion: cachedRate,
  };
  const source =
    data !== undefined
      ? fromConfig
        ? `config+${priceDataSource}`
        : priceDataSource
      : fromConfig
        ? 'config'
        : 'unknown';
  return { ...resolved, source };
}
