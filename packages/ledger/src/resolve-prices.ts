import { calcPrice, type ModelPrice, type Provider, type TieredPrices } from '@pydantic/genai-prices';
import type { PriceOverrides } from './call-record';
import { findPriceDataModel, mapPriceTables, priceDataSource, type ProviderHint } from './price-data';

/** Options of `resolvePrices`: where to look the model up, and the config's overrides. */
export interface ResolvePricesOptions extends ProviderHint {
  /** Config price overrides (`input_cost_per_million`, ...); they win field by field over the price data. */
  overrides?: PriceOverrides | undefined;
}

/** How a model's calls are priced, and where the prices came from. */
export interface ResolvedPrices {
  /** Uncached input rate at the base tier (for display and estimates); `undefined` = unknown. @unit USD per 1M tokens */
  inputPerMillion: number | undefined;
  /** Output rate at the base tier; `undefined` = unknown. @unit USD per 1M tokens */
  outputPerMillion: number | undefined;
  /** Provider-cached input rate at the base tier; `undefined` = unknown. @unit USD per 1M tokens */
  cachedInputPerMillion: number | undefined;
  /**
   * `'config'` (all from overrides), `'<package>@<version>'` (all from the data package),
   * `'config+<package>@<version>'` (mixed) or `'unknown'`.
   */
  source: string;
  /** Price data provider id (`openai`, `anthropic`, ...); `''` when the model is not in the data. */
  providerId: string;
  /** The model's id in the price data (`''` when not in it). */
  modelId: string;
  /**
   * A one-model provider holding the model's prices with the overrides applied, handed to the price package's
   * `calcPrice`; `undefined` when no input price is known (the cost is then unknown). Without an output rate
   * (embedding models) only calls without output tokens are priced.
   */
  table: Provider | undefined;
}

/**
 * Resolves how `model` is priced: from `@pydantic/genai-prices` (found by provider id, API base URL or model id; see
 * `findPriceDataModel`), with config overrides winning field by field. When the input rate is overridden but the
 * cached one is not, cached input is priced like input (no discount assumed). An override replaces a tiered price by
 * its flat rate.
 */
export function resolvePrices(model: string, options: ResolvePricesOptions = {}): ResolvedPrices {
  const overrides = options.overrides ?? {};
  const input = overrides.inputPerMillion;
  const output = overrides.outputPerMillion;
  const cachedOverride = overrides.cachedInputPerMillion;
  const fromConfig = input !== undefined || output !== undefined || cachedOverride !== undefined;
  const data = input === undefined || output === undefined ? findPriceDataModel(model, options) : undefined;
  const applyOverrides = (table: ModelPrice): ModelPrice => {
    const merged: ModelPrice = { ...table };
    if (input !== undefined) {
      merged['input_mtok'] = input;
      merged['cache_read_mtok'] = input;
    }
    if (output !== undefined) merged['output_mtok'] = output;
    if (cachedOverride !== undefined) merged['cache_read_mtok'] = cachedOverride;
    return merged;
  };
  const prices = data === undefined ? applyOverrides({}) : mapPriceTables(data.prices, applyOverrides);
  const current = currentTable(prices);
  const complete = current['input_mtok'] !== undefined;
  const source =
    data !== undefined
      ? fromConfig
        ? `config+${priceDataSource}`
        : priceDataSource
      : fromConfig
        ? 'config'
        : 'unknown';
  const table: Provider | undefined = complete
    ? {
        id: data?.provider.id ?? 'config',
        name: data?.provider.name ?? 'maxllm.yaml',
        api_pattern: data?.provider.api_pattern ?? '$^',
        models: [{ id: data?.modelId ?? model, match: { equals: model.toLowerCase().trim() }, prices }],
      }
    : undefined;
  return {
    inputPerMillion: baseRate(current['input_mtok']),
    outputPerMillion: baseRate(current['output_mtok']),
    cachedInputPerMillion: baseRate(current['cache_read_mtok'] ?? current['input_mtok']),
    source,
    providerId: data?.provider.id ?? '',
    modelId: data?.modelId ?? '',
    table,
  };
}

/** The price table in force now (the last time-conditional table, as `calcPrice` picks for today). */
function currentTable(prices: Provider['models'][number]['prices']): ModelPrice {
  if (!Array.isArray(prices)) return prices;
  const probe = calcPrice({ input_tokens: 0, output_tokens: 0 }, 'model', {
    provider: {
      id: 'probe',
      name: 'probe',
      api_pattern: '$^',
      models: [{ id: 'model', match: { equals: 'model' }, prices }],
    },
  });
  return probe?.model_price ?? {};
}

function baseRate(price: number | TieredPrices | undefined): number | undefined {
  return typeof price === 'number' ? price : price?.base;
}
