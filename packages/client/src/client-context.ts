import type { Clock, Logger } from '@maxllm/core';
import type { ResponseCache } from '@maxllm/cache';
import type { MaxllmConfig } from '@maxllm/config';
import type { Budget, Ledger } from '@maxllm/ledger';
import type { Balancer } from './balancer';
import type { RuntimeRegistry } from './model-runtime';

/** The shared state every operation of one client works with (internal, read-only: a call's own state is its `Call`). */
export interface ClientContext {
  readonly config: MaxllmConfig;
  readonly cache: ResponseCache;
  readonly ledger: Ledger;
  /** `callId`s whose ledger row is already written (a resumed run): a cache hit for one writes no second row. */
  readonly recordedCallIds?: { has(callId: string): boolean } | undefined;
  readonly singleFlight: { run<T>(key: string, fn: () => Promise<T>): Promise<T> };
  readonly runtimes: RuntimeRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
  /** Skip cache reads, still write (`RECACHE_FLAG`). */
  readonly recache: boolean;
  /** Re-asks after invalid structured output. */
  readonly maxOutputRetries: number;
  /** Backoff of transient failures. */
  readonly retryBackoff: { initialMs?: number; maxMs?: number };
  /** Retries after 429s that say "wait". */
  readonly maxRateLimitRetries: number;
  /** Retries after a flex tier's 429 "resource unavailable". */
  readonly maxFlexRetries: number;
  /** Embedding inputs per HTTP request. */
  readonly embeddingBatchSize: number;
  /** Estimated input tokens per embeddings HTTP request. @unit tokens */
  readonly embeddingTokensPerRequest: number;
  /** The balancer of a model spec, built once per exact spec string. */
  balancer(spec: string): Balancer;
  /** The client's budgets (config `budget:` caps and `maxUsd`), built on first use; empty when none is set. */
  budgets(): Promise<readonly Budget[]>;
  /** Let calls to unpriced models through under a budget (counted as $0). */
  readonly allowUnpriced: boolean;
}
