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
 * Priority processing rate ÷ standard rate, per OpenAI model of the price data. The ratio is the same for input,
 * cached input and output in each case. Source: OpenAI's pricing page ("Priority" column), November 2026.
 */
export const priorityPriceFactors: Readonly<Record<string, number>> = {
  'gpt-5': 2,
  'gpt-5.1': 2,
  'gpt-5-mini': 1.8,
  'gpt-4.1': 1.75,
  'gpt-4.1-mini': 1.75,
  'gpt-4.1-nano': 2,
  'gpt-4o': 1.7,
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
