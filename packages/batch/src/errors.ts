import { MaxllmError } from '@maxllm/core';

/**
 * Base class of every error thrown by `@maxllm/batch`. `BatchError.isInstance(e)` is true for these errors only (each
 * subclass's `isInstance` for that subclass only), across duplicated installs; `MaxllmError.isInstance(e)` for any.
 */
export class BatchError extends MaxllmError {
  static override readonly brand: string = 'maxllm.batch.BatchError';
}

/** A handle method was called in a state that does not allow it (e.g. `enqueue()` after `upload()`). */
export class BatchStateError extends BatchError {
  static override readonly brand: string = 'maxllm.batch.BatchStateError';

  /** The method that was called. */
  readonly call: string;
  /** The workspace state at the time of the call. */
  readonly state: string;

  constructor(call: string, state: string, hint: string) {
    super(`Batch ${call}() is not allowed in state '${state}': ${hint}`);
    this.call = call;
    this.state = state;
  }
}

/** The workspace folder or its files are unusable (bad name, model mismatch, corrupt manifest). */
export class BatchWorkspaceError extends BatchError {
  static override readonly brand: string = 'maxllm.batch.BatchWorkspaceError';

  /** The workspace folder concerned. */
  readonly workspace: string;

  constructor(workspace: string, message: string, options?: { cause?: unknown }) {
    super(`${message} (workspace ${workspace})`, options);
    this.workspace = workspace;
  }
}

/** A request cannot go into a batch (too large for one file, unsupported endpoint). */
export class BatchRequestError extends BatchError {
  static override readonly brand: string = 'maxllm.batch.BatchRequestError';
}

/** Per-item error: the batch job failed as a whole (e.g. invalid input file), so this request got no answer. */
export class BatchJobFailedError extends BatchError {
  static override readonly brand: string = 'maxllm.batch.BatchJobFailedError';

  /** Id of the failed batch job. */
  readonly jobId: string;

  constructor(jobId: string, reason: string) {
    super(`Batch job ${jobId} failed: ${reason}`);
    this.jobId = jobId;
  }
}

/** Per-item error: the job ended (`expired` or `cancelled`) before this request was answered, or it was never sent. */
export class BatchItemMissingError extends BatchError {
  static override readonly brand: string = 'maxllm.batch.BatchItemMissingError';

  /** Id of the batch job that held the request; undefined when it was never sent. */
  readonly jobId: string | undefined;
  /** Final status of that job. */
  readonly jobStatus: string;

  constructor(jobId: string | undefined, jobStatus: string, customId: string) {
    super(
      jobId === undefined
        ? `Request ${customId} has no answer: it was never sent (batch ${jobStatus})`
        : `Request ${customId} has no answer: batch job ${jobId} ended '${jobStatus}'`,
    );
    this.jobId = jobId;
    this.jobStatus = jobStatus;
  }
}

/** Per-item error: the API answered this one request with an error (a line of the error file, or a non-200 line). */
export class BatchItemError extends BatchError {
  static override readonly brand: string = 'maxllm.batch.BatchItemError';

  /** HTTP status of the request inside the batch, when known. */
  readonly status: number | undefined;
  /** Error code from the API (e.g. `server_error`), when known. */
  readonly code: string | undefined;
  /** The error body as returned by the API. */
  readonly body: unknown;

  constructor(
    customId: string,
    status: number | undefined,
    code: string | undefined,
    detail: string,
    body: unknown,
  ) {
    super(
      `Request ${customId} failed in the batch${status === undefined ? '' : ` with status ${status}`}: ${detail}`,
    );
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

/** Downloading a job's output or error file kept failing after the bounded retries. */
export class BatchDownloadError extends BatchError {
  static override readonly brand: string = 'maxllm.batch.BatchDownloadError';

  /** Id of the file that could not be downloaded. */
  readonly fileId: string;

  constructor(fileId: string, attempts: number, options?: { cause?: unknown }) {
    super(`Could not download batch file ${fileId} after ${attempts} attempts`, options);
    this.fileId = fileId;
  }
}
