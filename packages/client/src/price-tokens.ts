import type { ResolvedModel } from '@maxllm/config';
import { priceCall, resolvePrices } from '@maxllm/ledger';

/** How a call would be sent: online at the default tier, online at the flex tier, or through the Batch API. */
export type PriceMode = 'online' | 'flex' | 'batch';

/**
 * What `tokens` would cost on `resolved` in `mode`, with the ledger's prices (config overrides first);
 * `undefined` when the model, or that mode, has no known price. @unit USD
 */
export function priceTokens(
  resolved: ResolvedModel,
  tokens: { inputTokens: number; outputTokens: number },
  mode: PriceMode,
): number | undefined {
  if (mode === 'flex') return undefined;
  const prices = resolvePrices(resolved.model, resolved.prices);
  return priceCall(
    {
      inputTokens: tokens.inputTokens,
      outputTokens: tokens.outputTokens,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    },
    prices,
    { batch: mode === 'batch' },
  ).totalUsd;
}
