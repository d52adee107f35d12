/** Per-model price overrides from `maxllm.yaml` (same shape as `ResolvedModel['prices']` in `@maxllm/config`). */
export interface PriceOverrides {
  /** Price of uncached input tokens. @unit USD per 1M tokens */
  inputPerMillion?: number;
  /** Price of output tokens (reasoning tokens included). @unit USD per 1M tokens */
  outputPerMillion?: number;
  /** Price of provider-cached input tokens. @default inputPerMillion when only that is overridden @unit USD per 1M tokens */
  cachedInputPerMillion?: number;
}

/** Token usage reported by the API. Reasoning tokens are part of `outputTokens`, cached ones part of `inputTokens`. */
export interface CallUsage {
  /** Input (prompt) tokens, cached ones included. @unit tokens */
  inputTokens: number;
  /** Output (completion) tokens, reasoning ones included. @unit tokens */
  outputTokens: number;
  /** Input tokens the provider served from its prompt cache. @default 0 @unit tokens */
  cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache (Anthropic, some OpenAI models). @default 0 @unit tokens */
  cacheWriteTokens?: number;
  /** Reasoning tokens inside `outputTokens`. @default 0 @unit tokens */
  reasoningTokens?: number;
  /**
   * The provider sent no usage: these counts are MaxLLM's estimate. The row's `price_source` then ends with
   * `; estimated tokens`. @default false
   */
  estimated?: boolean;
}

/** One LLM call as the client reports it to the ledger. There is deliberately no field for an API key. */
export interface CallRecord {
  /** API model id sent to the provider (used for price lookup). */
  model: string;
  /** Config identity of the model (call-status key). */
  uniqueName: string;
  /** When the call finished. @default the ledger clock's now */
  timestamp?: Date;
  /** System prompt (only an 80-character preview is written). */
  systemPrompt?: string;
  /** User prompt (only an 80-character preview is written). */
  prompt?: string;
  /** Completion text (only an 80-character preview is written). */
  completion?: string;
  /** Token usage; `undefined` means unknown (token and cost cells stay empty). */
  usage?: CallUsage;
  /** Input tokens estimated before the call. @unit tokens */
  estimatedInputTokens?: number;
  /** Output tokens estimated before the call. @unit tokens */
  estimatedOutputTokens?: number;
  /** Duration of the last attempt. @unit ms */
  latencyMs?: number;
  /** Served from the local response cache (nothing was billed). */
  cacheHit: boolean;
  /** Sent through the Batch API (batch prices apply). */
  batch: boolean;
  /** `'ok'` or an error TYPE such as `'APIConnectionError'` (never a message); anything else is written as `'error'`. */
  status: 'ok' | (string & {});
  /** Provider request id (`x-request-id`). */
  requestId?: string;
  /**
   * Identity of the logical request this row answers (e.g. `run:<output>#<line>` or a batch `custom_id`), written to
   * `call_id` so a resumed run can tell a line whose row already exists. @default empty
   */
  callId?: string;
  /** `service_tier` the response reported (`default`, `flex`, `priority`); it changes the price. */
  serviceTier?: string;
  /** Config price overrides; they win over the price data package. */
  prices?: PriceOverrides;
  /** Price data provider id (`provider:` in `maxllm.yaml`); wins over `apiBase` for the price lookup. */
  provider?: string;
  /** The model's API base URL, used to find its provider in the price data. */
  apiBase?: string;
}
