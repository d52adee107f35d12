import type { Clock, Logger } from '@maxllm/core';
import type { EstimateOptions, RunEstimate } from './estimate-run';
import type { MaxllmConfig } from '@maxllm/config';
import type { BatchHandle, OpenBatchOptions } from '@maxllm/batch';
import type { CallStatus } from '@maxllm/ledger';
import type { CompleteRequest, NoUnknownKeys, RequestKey } from '@maxllm/request';
import type OpenAI from 'openai';
import type { z } from 'zod';
import type { BatchItem, OWN_OPTIONS } from './batch-complete';
import type { BatchViaOptions } from './batch-via';
import type { MaxllmClientError } from './errors';

/** Options of `createClient()`. */
export interface ClientOptions {
  /** A loaded config, or the path of a `maxllm.yaml`. @default `loadConfig()` discovery (see `@maxllm/config`) */
  config?: MaxllmConfig | string;
  /** MaxLLM home (cache, ledger, batch folders) when `config` is loaded here: sets `MAXLLM_HOME`. @default `$MAXLLM_HOME` or `~/.maxllm` */
  home?: string;
  /** Environment the config is resolved with (API keys, `RECACHE_FLAG`). @default process.env */
  env?: Record<string, string | undefined>;
  /**
   * A `fetch` for the `openai` SDK (proxies, tests). @default a fetch over `node:http(s)` with keep-alive sockets for
   * requests with a text body (every JSON request), the global fetch for the rest (file uploads): it costs about a
   * third of the global fetch's CPU per request
   */
  fetch?: typeof fetch;
  /** Where warnings go. Never receives an API key. @default warnings and errors to stderr */
  logger?: Logger;
  /** Headers sent with every API request. */
  defaultHeaders?: Record<string, string>;
  /** Time source for limiters, retries and the ledger. @default the system clock */
  clock?: Clock;
  /**
   * An ioredis connection for limits shared between processes (not closed by the client), or `false` to keep limits
   * in-process even when the config names a Redis URL.
   * @default a connection to `config.redisUrl` when set (ioredis must be installed), else in-process limits
   */
  redis?: unknown;
  /**
   * Length of the window the config's `rpm` / `tpm` apply to. Only tests and benchmarks against a mock server with a
   * short `windowMs` change it.
   * @default 60000 @unit ms
   */
  rateWindowMs?: number;
  /** Re-asks after structured output that does not parse or validate. @default 2 */
  maxOutputRetries?: number;
  /** Retries after a 429 that says "wait" (each one pauses the model's limiter first). @default 10 */
  maxRateLimitRetries?: number;
  /**
   * Retries of one request after the flex tier's 429 "resource unavailable" (backoff with jitter, that request
   * only; the model is not paused). @default 10
   */
  maxFlexRetries?: number;
  /** Skip cache reads but still write answers. @default `RECACHE_FLAG` is `1`, `true` or `True` */
  recache?: boolean;
  /**
   * Cached answers kept in memory (as JSON text, at most 64 MiB) for prompts asked again in this process; `0` reads
   * every hit from disk.
   * @default 100000
   */
  cacheMemoryEntries?: number;
  /** Global request flag, as `setRequestFlag()`. @default undefined (no flag) */
  requestFlag?: unknown;
  /** Embedding inputs per HTTP request. @default 2048 */
  embeddingBatchSize?: number;
  /** Estimated input tokens per embeddings HTTP request. @default 300000 @unit tokens */
  embeddingTokensPerRequest?: number;
  /** Backoff after 5xx / connection errors / timeouts when the server names no `retry-after`. @default { initialMs: 500, maxMs: 8000 } */
  retryBackoff?: { initialMs?: number; maxMs?: number };
  /** Randomness for retry jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * Most this client may spend, over its life, on every model together: each call holds its worst-case cost first,
   * and the call that could cross the cap is refused with `BudgetExceededError` (nothing sent). Adds to the config's
   * `budget:` caps. @unit USD @default no cap
   */
  maxUsd?: number;
  /** Under a budget, send calls to models with no known price (counted as $0). @default config `budget.allow_unpriced` (false) */
  allowUnpriced?: boolean;
  /**
   * `callId`s whose ledger row is already on disk (a run resumed after a kill): a cache hit for one of them writes
   * no second row. A paid call is always recorded. Any `{ has(callId) }` will do: a `Set<string>`, or a structure
   * that does not hold a string per id (`maxllm run` keeps one bit per input line). @default none
   */
  recordedCallIds?: { has(callId: string): boolean };
}

/** Options of `getBatch()`: those of `openBatch` (`@maxllm/batch`) that the client does not supply itself. */
export type GetBatchOptions = Omit<
  OpenBatchOptions,
  'config' | 'cache' | 'ledger' | 'createOpenAI' | 'requestFlag' | 'clock' | 'logger'
>;

/** The SDK response `raw: true` returns. */
export type RawResponse<R> = R extends { input: unknown }
  ? OpenAI.CreateEmbeddingResponse
  : OpenAI.ChatCompletion | OpenAI.Completion | OpenAI.CreateEmbeddingResponse;

/**
 * What `complete(request)` resolves to, without `meta`: the SDK response for `raw: true`; the parsed value for a zod
 * `jsonFormat`; `number[][]` / `number[]` for embeddings asked through `input`; `string | null` when tools may answer
 * instead of text; otherwise the text. (An embedding model asked through `prompt` returns vectors too, but the type
 * cannot know the model's mode: use `input` for embeddings.)
 */
export type ResultOf<R> = R extends { raw: true }
  ? RawResponse<R>
  : R extends { jsonMode: true }
    ? string
    : R extends { jsonFormat: infer S extends z.ZodType }
      ? z.infer<S>
      : R extends { input: readonly string[] }
        ? number[][]
        : R extends { input: string }
          ? number[]
          : R extends { tools: unknown }
            ? string | null
            : string;

/**
 * What `complete(request)` resolves to: `[result, meta]` when `meta` is given (as the original: `null` / `undefined`
 * count as not given, like Python's `None`), else the result.
 */
export type CompleteResult<R> = R extends { meta: infer M }
  ? [M] extends [null | undefined]
    ? ResultOf<R>
    : [ResultOf<R>, M]
  : ResultOf<R>;

/** The keys `batchComplete`'s options may hold: its own and a request's. */
export type BatchOptionKey = RequestKey | (typeof OWN_OPTIONS)[number];

/**
 * One slot of `batchComplete(items, options)`'s result: the result of an item (a prompt string takes the options'
 * fields; a request object's own fields win over them), or, for a failed item, the `placeholder` (`null` by default)
 * or, with `returnErrors: true`, the error.
 */
export type BatchResultOf<I, O> =
  | (I extends string ? ResultOf<O> : ResultOf<Omit<O, keyof I> & I>)
  | (O extends { placeholder: infer P } ? P : null)
  | (O extends { returnErrors: true } ? MaxllmClientError : never);

/** The text deltas of a streamed answer. */
export type TextStream = AsyncIterable<string>;

/** A MaxLLM client: config, limiters, cache and ledger around the official `openai` SDK. */
export interface MaxllmClient {
  /** The config the client resolves models with. */
  readonly config: MaxllmConfig;
  /**
   * Completes one request: chat text, structured output, embeddings or legacy completions, cached, rate limited,
   * retried and accounted.
   * @throws CompletionError (and subclasses QuotaExceededError, InvalidOutputError), InvalidClientRequestError.
   */
  complete<R extends CompleteRequest>(request: R & NoUnknownKeys<R>): Promise<CompleteResult<R>>;
  /**
   * Streams the answer's text deltas; a cached answer is replayed as a stream.
   * @throws (while iterating) the errors of `complete()`.
   */
  stream(request: CompleteRequest): TextStream;
  /**
   * Completes many requests with bounded concurrency; results in input order, typed per item (see
   * {@link BatchResultOf}).
   * @throws InvalidClientRequestError (a rejection) for an option that is neither `batchComplete`'s nor a request's;
   *   BatchStoppedError when quota, Redis or a budget stops the run.
   */
  batchComplete<I extends BatchItem, O extends BatchViaOptions = Record<never, never>>(
    items: Iterable<I & NoUnknownKeys<I>> | AsyncIterable<I & NoUnknownKeys<I>>,
    options?: O & NoUnknownKeys<O, BatchOptionKey> & BatchViaOptions,
  ): Promise<Array<BatchResultOf<I, O>>>;
  /**
   * Opens (or reopens) an OpenAI Batch API workspace for one model, wired to this client's config, cache, ledger,
   * SDK instances and request flag: enqueue requests, upload, wait, read results (see `@maxllm/batch`).
   */
  getBatch(options: GetBatchOptions): Promise<BatchHandle>;
  /**
   * Estimates a run of `requests` without sending anything: input tokens, the output band from the ledger's
   * history, what the cache already answers, the cost online / flex / via the Batch API, and the time at the limits.
   */
  estimate(
    requests: Iterable<CompleteRequest> | AsyncIterable<CompleteRequest>,
    options?: EstimateOptions,
  ): Promise<RunEstimate>;
  /** Call status per unique name (or of one), as counted by this client's ledger. */
  getCallStatus(model?: string): CallStatus;
  /** `after - before`, per model and counter. */
  diffCallStatus(after: CallStatus, before: CallStatus): CallStatus;
  /** Gives every later call its own cache entries while `flag` is truthy (a per-call `requestFlag` wins). */
  setRequestFlag(flag: unknown): void;
  /**
   * Opens the connection to the config's Redis URL (shared limits) now instead of at the first call, so that a
   * server that cannot be reached fails once, before any request. Without a Redis URL it does nothing.
   * @throws RedisUnavailableError naming the host; MissingDependencyError when `ioredis` is not installed.
   */
  connect(): Promise<void>;
  /**
   * Flushes the ledger and closes limiters, cache and the Redis connection the client opened.
   * @throws LedgerWriteError (from `@maxllm/ledger`) when ledger rows could not be written, after closing the rest.
   */
  close(): Promise<void>;
  /**
   * Writes every ledger row recorded so far. Await it before reporting answers as done (e.g. writing an output
   * line): a kill then never leaves an answer without its row.
   * @throws LedgerWriteError (from `@maxllm/ledger`) when rows cannot be written; they stay buffered.
   */
  flush(): Promise<void>;
}
