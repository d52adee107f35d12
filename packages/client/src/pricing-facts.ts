import type { ResolvedModel } from '@maxllm/config';
import type { CallRecord } from '@maxllm/ledger';

/**
 * What the ledger needs, besides usage, to price a call as the provider bills it: the model's price overrides and
 * provider (from `maxllm.yaml`, else its API base URL) and the `service_tier` the response reported.
 */
export function pricingFacts(
  resolved: ResolvedModel,
  response: unknown,
): Pick<CallRecord, 'prices' | 'provider' | 'apiBase' | 'serviceTier'> {
  const tier =
    typeof response === 'object' && response !== null
      ? (response as { service_tier?: unknown }).service_tier
      : undefined;
  return {
    prices: resolved.prices,
    ...(resolved.provider !== undefined ? { provider: resolved.provider } : {}),
    ...(resolved.apiBase !== undefined ? { apiBase: resolved.apiBase } : {}),
    ...(typeof tier === 'string' ? { serviceTier: tier } : {}),
  };
}
