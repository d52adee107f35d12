import type { CallCost } from '@maxllm/ledger';
import type { Usage } from '@maxllm/request';

/** What one `complete()` did, for `batchComplete`'s progress and for callers that want more than the result. */
export interface CompleteOutcome {
  /** What `complete()` returns (without `meta`). */
  result: unknown;
  /** The response JSON (assembled from parts for split embeddings). */
  response: unknown;
  /** Served from the cache (or from an identical call in flight) without an HTTP request. */
  cacheHit: boolean;
  /** Real usage of the HTTP requests made (or of the cached answer); undefined when unknown. */
  usage: Usage | undefined;
  /** Money spent on this call (0 for hits). @unit USD */
  costUsd: number;
  /** The member model that served the call. */
  uniqueName: string;
}

/** The money a call cost, 0 when unknown (no usage, no price, no row). @unit USD */
export function costUsd(cost: CallCost | undefined): number {
  return cost?.totalUsd ?? 0;
}

/** Sums two usages, `undefined` (unknown) when either is. */
export function addUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!a || !b) return undefined;
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}
