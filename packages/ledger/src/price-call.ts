import { calcPrice, type Provider, type Usage } from '@pydantic/genai-prices';
import type { CallUsage } from './call-record';
import { resolvePrices, type ResolvedPrices, type ResolvePricesOptions } from './resolve-prices';
import { serviceTierFactor, type ServiceTier } from './service-tier';

/** What a call's tokens cost. Unknown parts are `undefined`, never 0. */
export interface CallCost {
  /** Input cost (cache reads and writes at their own rates). @unit USD */
  inputUsd: number | undefined;
  /** Output cost (reasoning tokens included). @unit USD */
  outputUsd: number | undefined;
  /** `inputUsd + outputUsd`, `undefined` if either is unknown. @unit USD */
  totalUsd: number | undefined;
  /** Where the rates came from (see `ResolvedPrices.source`). */
  source: string;
}

/** Options of `priceCall`: where the model is served, how the call was processed, and config overrides. */
export interface PriceCallOptions extends ResolvePricesOptions {
  /** Sent through the Batch API (half of every rate). @default false */
  batch?: boolean | undefined;
  /** `service_tier` the response reported: `flex` and `priority` change the price. @default standard */
  serviceTier?: ServiceTier | undefined;
  /** When the call was made (prices that changed over time). @default now */
  timestamp?: Date | undefined;
}

const resolved = new Map<string, ResolvedPrices>();

/**
 * Prices one call from its actual usage with `@pydantic/genai-prices`'s own `calcPrice`: long-context tiers chosen
 * by the prompt size, cache reads and writes at their rates, reasoning tokens as output. Then the Batch API (×0.5)
 * or the reported service tier (flex ×0.5, priority at OpenAI's listed ratio) applies. With no usage, an unknown
 * model or a tier whose price is unknown, the cost is `undefined`; a call without tokens costs 0.
 *
 * @example priceCall({ inputTokens: 10_000, cachedInputTokens: 5_000, outputTokens: 1_000 }, 'gpt-5', { serviceTier: 'flex' })
 */
export function priceCall(
  usage: CallUsage | undefined,
  model: string,
  options: PriceCallOptions = {},
): CallCost {
  const key = JSON.stringify([model, options.provider, options.apiBase, options.overrides]);
  let prices = resolved.get(key);
  if (prices === undefined) {
    prices = resolvePrices(model, options);
    resolved.set(key, prices);
  }
  return priceWithResolved(usage, model, prices, options);
}

/** `priceCall` with prices already resolved (the ledger resolves once per model). */
export function priceWithResolved(
  usage: CallUsage | undefined,
  model: string,
  prices: ResolvedPrices,
  options: Pick<PriceCallOptions, 'batch' | 'serviceTier' | 'timestamp'> = {},
): CallCost {
  if (usage === undefined) return unknownCost(prices);
  if (usage.inputTokens === 0 && usage.outputTokens === 0) {
    return { inputUsd: 0, outputUsd: 0, totalUsd: 0, source: prices.source };
  }
  const factor = serviceTierFactor(options.serviceTier, options.batch === true, prices);
  if (prices.table === undefined || factor === undefined) return unknownCost(prices);
  if (usage.outputTokens > 0 && prices.outputPerMillion === undefined) return unknownCost(prices);
  const result = basePrice(usage, model, prices, prices.table, options.timestamp);
  if (result === undefined) return unknownCost(prices);
  const inputUsd = result.input * factor;
  const outputUsd = result.output * factor;
  return { inputUsd, outputUsd, totalUsd: inputUsd + outputUsd, source: prices.source };
}

function unknownCost(prices: ResolvedPrices): CallCost {
  return { inputUsd: undefined, outputUsd: undefined, totalUsd: undefined, source: prices.source };
}

/** A call's price before the tier factor. @unit USD */
interface BasePrice {
  input: number;
  output: number;
}

/** Per price table, `calcPrice`'s answers by usage (bounded): a ledger row per cache hit repeats the same few. */
const basePrices = new WeakMap<ResolvedPrices, Map<string, BasePrice | undefined>>();
const BASE_PRICES_KEPT = 1024;

/**
 * `calcPrice` of `usage` at `timestamp`; `undefined` when the price package cannot price it. A table whose prices
 * change over time (start dates, times of day) is asked every time; any other table's answer depends on the usage
 * alone and is remembered.
 */
function basePrice(
  usage: CallUsage,
  model: string,
  prices: ResolvedPrices,
  table: Provider,
  timestamp: Date | undefined,
): BasePrice | undefined {
  const asked = priceUsage(usage);
  const timed = table.models.some((entry) => Array.isArray(entry.prices));
  let memo = timed ? undefined : basePrices.get(prices);
  const key = `${model}\0${asked.input_tokens}\0${asked.cache_read_tokens}\0${asked.cache_write_tokens}\0${asked.output_tokens}\0${asked.output_reasoning_tokens}`;
  if (memo?.has(key) === true) return memo.get(key);
  let result: BasePrice | undefined;
  try {
    const priced = calcPrice(asked, model, {
      provider: table,
      ...(timestamp !== undefined ? { timestamp } : {}),
    });
    result = priced === null ? undefined : { input: priced.input_price, output: priced.output_price };
  } catch {
    result = undefined; // usage the price package rejects (e.g. negative counts) is not priced
  }
  if (!timed) {
    if (memo === undefined) basePrices.set(prices, (memo = new Map<string, BasePrice | undefined>()));
    if (memo.size >= BASE_PRICES_KEPT) memo.clear();
    memo.set(key, result);
  }
  return result;
}

/** Our usage in the price package's terms; parts are clamped so they never exceed their whole. */
export function priceUsage(usage: CallUsage): Usage {
  const input = usage.inputTokens;
  const cacheRead = Math.min(usage.cachedInputTokens ?? 0, input);
  const cacheWrite = Math.min(usage.cacheWriteTokens ?? 0, input - cacheRead);
  return {
    input_tokens: input,
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
    output_tokens: usage.outputTokens,
    output_reasoning_tokens: Math.min(usage.reasoningTokens ?? 0, usage.outputTokens),
  };
}
