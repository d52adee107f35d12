import type { BudgetSettings } from './budget-settings';
import type { MaxllmPaths } from './home';

/** How a model is called: `/v1/chat/completions`, `/v1/embeddings` or `/v1/completions`. */
export type ModelMode = 'chat' | 'embedding' | 'completion';

/** The API a chat model is called through: Chat Completions (`/v1/chat/completions`) or Responses (`/v1/responses`). */
export type ChatApi = 'chat' | 'responses';

/** Everything downstream packages need to call one model. A frozen plain object. */
export interface ResolvedModel {
  /** The name the caller asked for, e.g. `glm-4.6`. */
  readonly alias: string;
  /** The `model_name` pattern that matched, e.g. `glm-*`. */
  readonly pattern: string;
  /** API model id sent to the provider (`litellm_params.model`, `*` substituted; `model: ~` → `alias`). */
  readonly model: string;
  /** Identity for the cache namespace, call status and shared limits (`model_unique_name`, default `model`). */
  readonly uniqueName: string;
  /** Base URL (`litellm_params.api_base`, else `$OPENAI_API_BASE`); `undefined` → the SDK default. */
  readonly apiBase: string | undefined;
  /**
   * Provider id in the price data (`litellm_params.provider`, e.g. `openai`, `anthropic`, `groq`); `undefined` → found
   * from `apiBase`, else from the model id.
   */
  readonly provider: string | undefined;
  /** API key (`litellm_params.api_key`, else `$OPENAI_API_KEY`). Never log it: use `describe()` or `redactKey()`. */
  readonly apiKey: string | undefined;
  /** `litellm_params.mode`, else `embedding` when `model` contains "embedding" (any case), else `chat`. */
  readonly mode: ModelMode;
  /** `litellm_params.api`: the API a chat model is called through. @default 'chat' */
  readonly api: ChatApi;
  /** `litellm_params.service_tier`, sent as given on every call; `undefined` → not sent (the project's default). */
  readonly serviceTier: string | undefined;
  /** Requests per minute. @unit requests/minute */
  readonly rpm: number;
  /** Tokens per minute. @unit tokens/minute */
  readonly tpm: number;
  /**
   * Maximum requests in flight. `0` or absent → 500 (1000 for embeddings); `concurrency: null` → `Infinity`
   * (unlimited).
   */
  readonly concurrency: number;
  /** Share in `"a+b"` load balancing. @default 1 */
  readonly weight: number;
  /**
   * Per-attempt request timeout (`litellm_params.timeout` seconds × 1000); without one, `FLEX_TIMEOUT_MS` (15 min)
   * on the flex tier, else `DEFAULT_TIMEOUT_MS` (10 min). @unit ms
   */
  readonly timeoutMs: number | undefined;
  /**
   * Pacing burst (`litellm_params.burst` seconds × 1000): how far admission may run ahead of an even pace of the
   * limits; `undefined` → the limiter's default (0.1 s at a 60 s window). @unit ms
   */
  readonly burstMs: number | undefined;
  /** Retries after a retryable failure. @default 5 */
  readonly maxRetries: number;
  /** A local server (vLLM): uses the `local_*` rate-limit categories. @default false */
  readonly local: boolean;
  /** Price overrides from the config (LiteLLM `*_per_token` values are converted). @unit USD per million tokens */
  readonly prices: {
    readonly inputPerMillion?: number;
    readonly outputPerMillion?: number;
    readonly cachedInputPerMillion?: number;
  };
  /** One line describing the model, the key redacted (`sk-...abcd`). */
  describe(): string;
}

/** A loaded configuration. Immutable; models are resolved lazily. */
export interface MaxllmConfig {
  /** Absolute path of the file read, or the `source` given to `parseConfig`; `undefined` for the built-in default. */
  readonly source: string | undefined;
  /** MaxLLM home: `$MAXLLM_HOME` or `~/.maxllm`. */
  readonly home: string;
  /** Files and folders under `home`. The config never creates them. */
  readonly paths: Readonly<MaxllmPaths>;
  /** Redis URL for limits shared across processes (`$MAXLLM_REDIS_URL`, else `rate_limit.redis_url`). */
  readonly redisUrl: string | undefined;
  /** Ledger settings. */
  readonly ledger: {
    /** Write prompt/completion previews into the CSV ledger. @default true */
    readonly previews: boolean;
  };
  /** Spending caps (`budget:`); no caps when the section is absent. */
  readonly budget: BudgetSettings;
  /** Problems that did not stop loading (unknown keys, wildcard mismatches). Each was also sent to `logger.warn`. */
  readonly warnings: readonly string[];
  /** Resolves a model name; memoised per name. Throws `ModelNotFoundError`, `MissingEnvVarError`, `ConfigSchemaError`. */
  resolveModel(name: string): ResolvedModel;
  /** The `model_name` patterns, in file order. */
  aliases(): string[];
  /** A variable of the environment the config was loaded with (`env` option or `process.env`, plus `.env`). */
  getEnv(name: string): string | undefined;
}
