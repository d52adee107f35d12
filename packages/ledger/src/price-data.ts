import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';

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

/** Per-million-token rates of one model; `undefined` = not known. */
export interface ModelRates {
  /** @unit USD per 1M tokens */
  input?: number;
  /** @unit USD per 1M tokens */
  output?: number;
  /** @unit USD per 1M tokens */
  cachedInput?: number;
}

const probe = 1_000_000;

/**
 * Looks a model id up in `@pydantic/genai-prices` (bundled data, no network). Rates are read at the base tier
 * (tiered long-context prices are not applied). Returns `undefined` for a model the data does not know.
 */
export function lookupModelRates(model: string): ModelRates | undefined {
  const plain = calcPrice({ input_tokens: probe, output_tokens: probe }, model);
  if (plain === null) return undefined;
  const cached = calcPrice({ input_tokens: probe, cache_read_tokens: probe, output_tokens: 0 }, model);
  const hasCachedRate = typeof plain.model_price['cache_read_mtok'] === 'number';
  return {
    input: plain.input_price,
    output: plain.output_price,
    cachedInput: hasCachedRate && cached !== null ? cached.input_price : plain.input_price,
  };
}
