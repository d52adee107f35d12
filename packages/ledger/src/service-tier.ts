/**
 * Processing tier a response reports in `service_tier` (`default`, `flex`, `priority`; `auto` and `standard` are
 * read as `default`). Batch API calls are priced with the `batch` option instead.
 */
export type ServiceTier = 'default' | 'flex' | 'priority' | (string & {});

/** Batch API discount applied to every rate (the price data carries no batch prices). */
export const batchPriceFactor = 0.5;

/** OpenAI's Flex processing is billed at Batch API rates. */
export const flexPriceFactor = 0.5;

/**
 * Priority processing rate ÷ standard rate, per OpenAI model id of the price data. `@pydantic/genai-prices` has no
 * service-tier prices, so these come from OpenAI's "Priority processing for API customers" page
 * (openai.com/api-priority-processing, read November 2026), which lists input, cached input and output per 1M
 * tokens: each factor is that page's price ÷ the price data's standard rate, and it is the same for all three columns
 * of each model (checked in `price-call.test.ts` against the page's dollar prices). The page's `gpt-5-codex` and
 * `gpt-5.1-codex` rows resolve to `gpt-5` and `gpt-5.1` in the price data. Priority excludes long-context requests
 * (over 128K prompt tokens).
 */
export const priorityPriceFactors: Readonly<Record<string, number>> = {
  'gpt-5.5': 2.5,
  'gpt-5.4': 2,
  'gpt-5.4-mini': 2,
  'gpt-5.2': 2,
  'gpt-5.1': 2,
  'gpt-5': 2,
  'gpt-5-mini': 1.8,
  'gpt-4.1': 1.75,
  'gpt-4.1-mini': 1.75,
  'gpt-4.1-nano': 2,
  'gpt-4o': 1.7,
  'gpt-4o-2024-05-13': 1.75,
  'gpt-4o-mini': 0.25 / 0.15,
  o3: 1.75,
  'o4-mini': 2 / 1.1,
};

/** `service_tier` values that mean standard processing. */
const standardTiers = new Set(['default', 'auto', 'standard']);

/**
 * The factor applied to a call's standard price for its tier, or `undefined` when that tier's price is not known
 * for this model (the cost then stays unknown, never silently standard). Batch wins over the reported tier.
 */
export function serviceTierFactor(
  tier: ServiceTier | undefined,
  batch: boolean,
  model: { providerId: string; modelId: string },
): number | undefined {
  if (batch) return batchPriceFactor;
  if (tier === undefined || standardTiers.has(tier)) return 1;
  if (model.providerId !== 'openai') return undefined;
  if (tier === 'flex') return flexPriceFactor;
  if (tier === 'priority') return priorityPriceFactors[model.modelId];
  return undefined;
}

/** The tier written in the ledger's `service_tier` column: `batch`, the reported tier, or empty when not reported. */
export function ledgerServiceTier(tier: ServiceTier | undefined, batch: boolean): string {
  return batch ? 'batch' : (tier ?? '');
}
