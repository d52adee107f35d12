import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { calcPrice, findProvider, type ModelPrice, type Provider } from '@pydantic/genai-prices';

const dataPackage = '@pydantic/genai-prices';

function readDataVersion(): string {
  try {
    // The package does not export its package.json; it sits one level above the resolved entry (dist/).
    const entry = createRequire(import.meta.url).resolve(dataPackage);
    const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Label written in the `price_source` column for prices from the data package, e.g. `@pydantic/genai-prices@0.1.8`. */
export const priceDataSource = `${dataPackage}@${readDataVersion()}`;

/** Where to look a model up: a provider id of the price data (`openai`, `anthropic`, ...) or the API base URL. */
export interface ProviderHint {
  /** Provider id of `@pydantic/genai-prices` (`provider:` on a model entry in `maxllm.yaml`). Wins over `apiBase`. */
  provider?: string | undefined;
  /** The model's API base URL, matched against each provider's URL pattern. @default match by model id */
  apiBase?: string | undefined;
}

/** A model found in the price data: its provider and its price entry (possibly time-conditional). */
export interface PriceDataModel {
  /** The provider as the data describes it. */
  provider: Provider;
  /** The model's id in the price data (e.g. `claude-3-5-haiku-latest` for `claude-3-5-haiku`). */
  modelId: string;
  /** The model's `prices`: one price table, or time-conditional tables. */
  prices: Provider['models'][number]['prices'];
}

/**
 * Finds `model` in `@pydantic/genai-prices` (bundled data, no network): by the `provider` id when given, else by the
 * provider whose URL pattern matches `apiBase`, else (no or an unknown URL, e.g. a proxy) by the model id alone,
 * and last in OpenAI's list (every endpoint MaxLLM calls speaks OpenAI's API, e.g. `text-embedding-3-small` behind a
 * proxy). A provider named, or matched by URL, that does not know the model gives `undefined`: we never price
 * with another one.
 */
export function findPriceDataModel(model: string, hint: ProviderHint = {}): PriceDataModel | undefined {
  const probe = { input_tokens: 1, output_tokens: 1 };
  const attempts: Array<Parameters<typeof calcPrice>[2]> = [];
  if (hint.provider !== undefined) attempts.push({ providerId: hint.provider });
  else if (hint.apiBase !== undefined && findProvider({ providerApiUrl: hint.apiBase }) !== undefined) {
    attempts.push({ providerApiUrl: hint.apiBase });
  } else attempts.push({}, { providerId: 'openai' });
  for (const options of attempts) {
    const found = calcPrice(probe, model, options);
    if (found !== null)
      return { provider: found.provider, modelId: found.model.id, prices: found.model.prices };
    if (hint.provider !== undefined || options?.providerApiUrl !== undefined) return undefined;
  }
  return undefined;
}

/** Applies `change` to each price table of a model (a model may have time-conditional tables). */
export function mapPriceTables(
  prices: PriceDataModel['prices'],
  change: (table: ModelPrice) => ModelPrice,
): PriceDataModel['prices'] {
  return Array.isArray(prices)
    ? prices.map((entry) => ({ ...entry, prices: change(entry.prices) }))
    : change(prices);
}
