/**
 * Lifecycle of a batch workspace.
 * - `enqueuing`: accepting `enqueue()`;
 * - `uploading`: upload files written, some uploads or job creations not done yet (call `upload()` again to resume);
 * - `in_progress`: every job created, at least one not final;
 * - `completed` / `failed` / `expired` / `cancelled`: every job final (see {@link combineJobStates});
 * - `cached`: nothing needed uploading, every answer came from the cache.
 */
export type BatchState =
  'enqueuing' | 'uploading' | 'in_progress' | 'completed' | 'failed' | 'expired' | 'cancelled' | 'cached';

/** Status of one OpenAI batch job, as the API reports it. */
export type JobStatus =
  | 'validating'
  | 'failed'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

/** Request counts of one job (`request_counts` in the API). */
export interface RequestCounts {
  /** Requests in the job. */
  total: number;
  /** Requests answered successfully. */
  completed: number;
  /** Requests that failed (error file lines). */
  failed: number;
}

/** One upload file of the workspace and, once created, the batch job that runs it. */
export interface JobRecord {
  /** Upload file, relative to the workspace (`uploads/<workspace name>-r0-p0.jsonl`). */
  readonly file: string;
  /** Retry round: 0 for the first upload, then +1 per `retryFailed({ via: 'batch' })`. */
  readonly round: number;
  /** API endpoint every line of the file targets. */
  readonly endpoint: string;
  /** Number of requests in the file. */
  readonly requests: number;
  /** Size of the file. @unit bytes */
  readonly bytes: number;
  /** Estimated input tokens of the file (characters / 4). @unit tokens */
  readonly tokens: number;
  /** Custom ids in the file, as inclusive `[first, last]` ranges of enqueue indexes. */
  readonly ranges: readonly (readonly [number, number])[];
  /** Id of the uploaded file, once `files.create` returned. */
  readonly fileId?: string | undefined;
  /** Id of the batch job, once `batches.create` returned. */
  readonly jobId?: string | undefined;
  /** Last status seen for the job. */
  readonly status?: JobStatus | undefined;
  /** Last request counts seen for the job. */
  readonly requestCounts?: RequestCounts | undefined;
  /** Output file id, once the job has one. */
  readonly outputFileId?: string | undefined;
  /** Error file id, once the job has one. */
  readonly errorFileId?: string | undefined;
  /** Job-level error messages (e.g. why validation failed). */
  readonly errors?: readonly string[] | undefined;
  /** Metadata for the job (from `upload()` or `retryFailed()`), kept so a job created later gets it too. */
  readonly metadata?: Record<string, string> | undefined;
  /** Times the job was created again after failing with `token_limit_exceeded`. */
  readonly requeues?: number | undefined;
  /** True once this job's answers were written to the cache and the ledger (so `results()` never records twice). */
  readonly recorded?: boolean | undefined;
}

/** What `waitUntilDone` reports after every poll. */
export interface BatchProgress {
  /** Workspace state after this poll. */
  readonly state: BatchState;
  /** Requests sent to the Batch API (all rounds). */
  readonly total: number;
  /** Requests the API reports as completed. */
  readonly completed: number;
  /** Requests the API reports as failed. */
  readonly failed: number;
  /** Requests answered from the cache at enqueue time. */
  readonly cached: number;
  /** Every job with its last known status. */
  readonly jobs: readonly JobRecord[];
}

/** One answer of `results()`, in enqueue order. */
export type BatchResult =
  | {
      readonly customId: string;
      readonly ok: true;
      /** What `complete()` would return: text, validated structured output, or embedding vector(s). */
      readonly value: unknown;
      /** The API response body (undefined when answered by a caller-supplied `complete` in `retryFailed`). */
      readonly response: unknown;
      /** Where the answer came from. */
      readonly source: 'cache' | 'batch' | 'online';
      /** The request's `meta`, when it had one. */
      readonly meta?: unknown;
    }
  | {
      readonly customId: string;
      readonly ok: false;
      /** Why there is no answer: `BatchItemError`, `BatchJobFailedError`, `BatchItemMissingError`, or the
       * output-validation error of `@maxllm/request`. */
      readonly error: Error;
      /** The request's `meta`, when it had one. */
      readonly meta?: unknown;
    };

/** Split limits for upload files; each file becomes one batch job. */
export interface BatchLimits {
  /** Requests per upload file (OpenAI allows 50,000). @default 50000 */
  maxRequestsPerFile?: number;
  /** Size of one upload file (OpenAI allows 200 MB). @default 200000000 @unit bytes */
  maxBytesPerFile?: number;
  /**
   * The provider's enqueued-token limit for the model: each file holds at most this many estimated input tokens
   * (characters / 4), and jobs are created only while the running ones stay within it (the rest are created by
   * `waitUntilDone` as running jobs finish). @default Infinity @unit tokens
   */
  maxTokensPerBatch?: number;
}
