/**
 * The parts of sibling packages this package uses, typed structurally so that any object with these members works
 * (the real `MaxllmConfig`, `ResponseCache` and `Ledger` do).
 */

/** The subset of `ResolvedModel` (`@maxllm/config`) a batch needs. */
export interface BatchModel {
  alias: string;
  model: string;
  uniqueName: string;
  apiBase: string | undefined;
  mode: 'chat' | 'embedding' | 'completion';
  prices: { inputPerMillion?: number; outputPerMillion?: number; cachedInputPerMillion?: number };
}

/** The subset of `MaxllmConfig` (`@maxllm/config`) a batch needs. */
export interface BatchConfig {
  paths: { batch: string };
  resolveModel(name: string): BatchModel;
}

/** A cache entry as `@maxllm/cache` stores it: the API response body and facts about it. */
export interface BatchCacheEntry {
  response: unknown;
  meta: { createdAt: number; model: string; usage?: unknown; keyVersion: number };
}

/** The subset of `ResponseCache` (`@maxllm/cache`) a batch needs. */
export interface BatchCache {
  get(namespace: string, key: string): Promise<BatchCacheEntry | undefined>;
  set(namespace: string, key: string, entry: BatchCacheEntry): Promise<void>;
}

/** One ledger row, as `Ledger.record` (`@maxllm/ledger`) takes it. */
export interface BatchCallRecord {
  model: string;
  uniqueName: string;
  timestamp?: Date;
  systemPrompt?: string;
  prompt?: string;
  completion?: string;
  usage?: { inputTokens: number; outputTokens: number; cachedInputTokens?: number; reasoningTokens?: number };
  cacheHit: boolean;
  batch: boolean;
  status: string;
  requestId?: string;
  prices?: BatchModel['prices'];
}

/** The subset of `Ledger` (`@maxllm/ledger`) a batch needs. */
export interface BatchLedger {
  record(call: BatchCallRecord): unknown;
  flush(): Promise<void>;
}
