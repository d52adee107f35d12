import type { ResolvedModel } from '@maxllm/config';
import { priceCall } from '@maxllm/ledger';

/** How a call would be sent: online at the default, flex or priority tier, or through the Batch API. */
export type PriceMode = 'online' | 'flex' | 'priority' | 'batch';

/**
 * What `tokens` would cost on `resolved` in `mode`, priced exactly as the ledger prices a call (config overrides,
 * provider, tiers); `undefined` when the model, or that mode, has no known price. @unit USD
 */
export function priceTokens(
  resolved: ResolvedModel,
  tokens: { inputTokens: number; outputTokens: number },
  mode: PriceMode,
): number | undefined {
  return priceCall({ ...tokens, cachedInputTokens: 0, reasoningTokens: 0 }, resolved.model, {
    overrides: resolved.prices,
    ...(resolved.provider !== undefined ? { provider: resolved.provider } : {}),
    ...(resolved.apiBase !== undefined ? { apiBase: resolved.apiBase } : {}),
    ...(mode === 'batch' ? { batch: true } : {}),
    ...(mode === 'flex' || mode === 'priority' ? { serviceTier: mode } : {}),
  }).totalUsd;
}
