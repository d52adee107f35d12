/** Counters for one model unique name since the ledger was created. */
export interface ModelCallStatus {
  /** Every recorded call, errors included. */
  totalCalls: number;
  /** Successful calls served from the local cache. */
  cacheHits: number;
  /** Successful calls that went to the API. */
  cacheMisses: number;
  /** Calls whose status was not `'ok'`. */
  errors: number;
  /** Calls sent through the Batch API. */
  batchCalls: number;
  /** Input tokens of cache hits. @unit tokens */
  hitInputTokens: number;
  /** Provider-cached input tokens of cache hits. @unit tokens */
  hitCachedInputTokens: number;
  /** Output tokens of cache hits. @unit tokens */
  hitOutputTokens: number;
  /** Reasoning tokens of cache hits. @unit tokens */
  hitReasoningTokens: number;
  /** Input tokens of API calls (errors that reported usage included). @unit tokens */
  missInputTokens: number;
  /** Provider-cached input tokens of API calls. @unit tokens */
  missCachedInputTokens: number;
  /** Output tokens of API calls. @unit tokens */
  missOutputTokens: number;
  /** Reasoning tokens of API calls. @unit tokens */
  missReasoningTokens: number;
  /** Money spent on API calls with a known price. @unit USD */
  costUsd: number;
  /** What the cache hits would have cost (money saved). @unit USD */
  savedUsd: number;
  /** Calls with usage whose cost is unknown (not in `costUsd`/`savedUsd`). */
  unpricedCalls: number;
  /** `cacheHits / (cacheHits + cacheMisses)`, 0 when both are 0. @unit fraction 0..1 */
  hitRate: number;
}

/** Call status keyed by model unique name. */
export type CallStatus = Record<string, ModelCallStatus>;

/** A zeroed status entry. */
export function emptyModelCallStatus(): ModelCallStatus {
  return {
    totalCalls: 0,
    cacheHits: 0,
    cacheMisses: 0,
    errors: 0,
    batchCalls: 0,
    hitInputTokens: 0,
    hitCachedInputTokens: 0,
    hitOutputTokens: 0,
    hitReasoningTokens: 0,
    missInputTokens: 0,
    missCachedInputTokens: 0,
    missOutputTokens: 0,
    missReasoningTokens: 0,
    costUsd: 0,
    savedUsd: 0,
    unpricedCalls: 0,
    hitRate: 0,
  };
}

/** Hit rate from hit and miss counts (0 when there were none). */
export function hitRate(status: Pick<ModelCallStatus, 'cacheHits' | 'cacheMisses'>): number {
  const answered = status.cacheHits + status.cacheMisses;
  return answered === 0 ? 0 : status.cacheHits / answered;
}
