import type { Clock, Logger } from '@maxllm/core';
import type OpenAI from 'openai';
import type { CompleteRequest } from '@maxllm/request';
import type { ZodType } from 'zod';
import type { BatchCache, BatchConfig, BatchLedger, BatchModel, BatchUsageEstimator } from './dependencies';
import type { TaskRecord } from './task-log';
import type { BatchLimits, BatchProgress, BatchResult, BatchState, JobRecord } from './types';

/** Options of {@link openBatch}. */
export interface OpenBatchOptions {
  /** Model alias, resolved with `config.resolveModel`. Every request of the batch goes to this model. */
  model: string;
  /**
   * A folder name under `config.paths.batch`, or an absolute path. An existing workspace is reopened with its state,
   * job ids and custom ids. @default a new name from the current time, e.g. `20260131-142501-3f9a`
   */
  workspace?: string;
  /** Loaded MaxLLM config (`@maxllm/config`): model resolution and `paths.batch`. */
  config: BatchConfig;
  /** The response cache (`@maxllm/cache`) that `complete()` uses: hits are answered without upload, answers stored. */
  cache: BatchCache;
  /** The ledger (`@maxllm/ledger`): one row per answer, with `batch: true` (batch price). */
  ledger: BatchLedger;
  /** Builds the SDK client for the model (the MaxLLM client passes its factory: key, base URL, `maxRetries: 0`). */
  createOpenAI(model: BatchModel): OpenAI;
  /** Global request flag (as `setRequestFlag`); a request's own `requestFlag` wins. Falsy means none. */
  requestFlag?: unknown;
  /** Time source for polling and back-off. @default the real clock */
  clock?: Clock;
  /** @default warnings and errors to stderr */
  logger?: Logger;
  /** Split limits of upload files (each file is one batch job). */
  limits?: BatchLimits;
  /**
   * Schema of the structured outputs, for a reopened workspace (zod schemas cannot be stored). Without it, a task
   * enqueued with `jsonFormat` in another process yields the parsed JSON, unvalidated. Per-item schemas: `results({ schemas })`.
   */
  schema?: ZodType;
  /**
   * Usage for the ledger row of an answer without `usage` (`@maxllm/client` passes its tokenizer estimate, marked
   * `estimated`). @default none: such a row has empty tokens and cost, with one warning per model
   */
  estimateUsage?: BatchUsageEstimator;
}

/** Options of {@link BatchHandle.waitUntilDone}. */
export interface WaitOptions {
  /** Time between two polls of the jobs. @default 30000 @unit milliseconds */
  pollIntervalMs?: number;
  /** Stops waiting (the jobs keep running; reopen and wait again later). */
  signal?: AbortSignal;
  /** Called after every poll with the request counts. */
  onProgress?(progress: BatchProgress): void;
}

/** Options of {@link BatchHandle.retryFailed}. */
export interface RetryOptions {
  /** `online`: call the API now, request by request; `batch`: a new round of batch jobs in this workspace. */
  via: 'online' | 'batch';
  /**
   * Online only: how to run one request (the MaxLLM client passes its `complete`, so rate limits, cache and ledger
   * apply). Without it, the stored request body is sent as is with the SDK, and the answer cached and recorded here.
   */
  complete?: (request: CompleteRequest) => Promise<unknown>;
  /** Online only: requests in flight at once. @default 8 */
  concurrency?: number;
  /** Batch only: metadata for the new jobs. */
  metadata?: Record<string, string>;
  /** Stops the retry (online: no new requests start; batch: uploads stop, resume with `upload()`). */
  signal?: AbortSignal;
}

/** What {@link BatchHandle.retryFailed} did. */
export interface RetrySummary {
  /** Custom ids that were retried. */
  readonly retried: readonly string[];
}

/** A batch workspace: enqueue, upload, wait, read results. Every step survives the process (see `openBatch`). */
export interface BatchHandle {
  /** Absolute path of the workspace folder. */
  readonly workspace: string;
  /** Current state. */
  readonly state: BatchState;
  /** Upload files and their jobs. */
  readonly jobs: readonly JobRecord[];
  /** Number of requests enqueued (the next custom id). */
  readonly size: number;
  /**
   * Adds a request (same fields as `complete()`). A cache hit is answered at once and never uploaded.
   * Durable once `flush()`, `upload()` or `close()` returned.
   * @returns its custom id.
   * @throws BatchStateError after `upload()`; InvalidRequestError (`@maxllm/request`) for a malformed request;
   *   BatchRequestError when the request is for another model or larger than one upload file.
   */
  enqueue(request: CompleteRequest): Promise<string>;
  /** Writes buffered tasks to `tasks.jsonl` and updates the manifest. */
  flush(): Promise<void>;
  /**
   * Writes the upload files, uploads them and creates one job per file; resumes where a crashed upload stopped
   * (a file whose id is recorded is never uploaded again). Nothing to upload → state `cached`.
   */
  upload(options?: { metadata?: Record<string, string>; signal?: AbortSignal }): Promise<BatchState>;
  /** Polls every job until all are final; returns the combined state. */
  waitUntilDone(options?: WaitOptions): Promise<BatchState>;
  /**
   * Polls every job that is not final once (no waiting), saves what changed and returns the combined state; jobs
   * held back for enqueued-token capacity are created if room has opened. For a status display.
   */
  refresh(options?: { signal?: AbortSignal }): Promise<BatchState>;
  /** Asks the API to cancel every running job (then `waitUntilDone()` sees them `cancelled`). */
  cancel(): Promise<void>;
  /**
   * Downloads outputs and errors, and returns one result per enqueued request in enqueue order. The first call writes
   * every answer to the cache and the ledger; later calls do not record again.
   */
  results(options?: { schemas?: Record<string, ZodType>; signal?: AbortSignal }): Promise<BatchResult[]>;
  /** Re-runs only the requests without an answer (failed lines, failed/expired/cancelled jobs, invalid output). */
  retryFailed(options: RetryOptions): Promise<RetrySummary>;
  /** The enqueued tasks, streamed from disk in enqueue order. */
  tasks(): AsyncIterable<TaskRecord>;
  /**
   * Flushes and fsyncs the tasks file and releases the workspace lock; the handle is done (open the workspace again
   * to continue). Without it the lock lasts until the process ends.
   */
  close(): Promise<void>;
}
