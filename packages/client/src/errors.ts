import { MaxllmError } from '@maxllm/core';

/** Facts every client error carries (all optional: an error before model resolution has no model). */
export interface ErrorDetails {
  /** The model alias or balancing spec the caller asked for. */
  model?: string | undefined;
  /** The unique name of the model that was called (cache namespace, call-status key). */
  uniqueName?: string | undefined;
  /** The provider's request id (`x-request-id`) of the last attempt, when it answered. */
  requestId?: string | undefined;
  /** HTTP requests made for this call, including the failed one. */
  attempts?: number | undefined;
  /** HTTP status of the last answer, when there was one. */
  status?: number | undefined;
  /** The `meta` the caller passed to `complete()`, returned with the error as the original does. */
  meta?: unknown;
  /** The underlying error (SDK error, output validation error, ...). */
  cause?: unknown;
}

/**
 * Base class of every error thrown by `@maxllm/client`. `MaxllmClientError.isInstance(e)` is true for these errors
 * only (each subclass's `isInstance` for that subclass only), across duplicated installs; `MaxllmError.isInstance(e)`
 * for any MaxLLM error.
 */
export class MaxllmClientError extends MaxllmError {
  static override readonly brand: string = 'maxllm.client.MaxllmClientError';

  /** The model alias or balancing spec the caller asked for. */
  readonly model: string | undefined;
  /** The unique name of the model that was called. */
  readonly uniqueName: string | undefined;
  /** The provider's request id of the last attempt, when it answered. */
  readonly requestId: string | undefined;
  /** HTTP requests made for this call. */
  readonly attempts: number | undefined;
  /** HTTP status of the last answer, when there was one. */
  readonly status: number | undefined;
  /** The caller's `meta` (set when `complete()` was given one). */
  readonly meta: unknown;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.model = details.model;
    this.uniqueName = details.uniqueName;
    this.requestId = details.requestId;
    this.attempts = details.attempts;
    this.status = details.status;
    this.meta = details.meta;
  }

  /** The same error (same class, message and facts) carrying `meta`; errors can be shared between callers. */
  withMeta(meta: unknown): this {
    const Class = this.constructor as new (message: string, details: ErrorDetails) => this;
    const copy = new Class(this.message, { ...this.details(), meta });
    copy.stack = this.stack;
    return copy;
  }

  /** The facts this error was built with. */
  details(): ErrorDetails {
    return {
      model: this.model,
      uniqueName: this.uniqueName,
      requestId: this.requestId,
      attempts: this.attempts,
      status: this.status,
      meta: this.meta,
      cause: this.cause,
    };
  }
}

/** A call failed: the API answered an error that is not retried, or retries ran out. `cause` is the SDK error. */
export class CompletionError extends MaxllmClientError {
  static override readonly brand: string = 'maxllm.client.CompletionError';
}

/** The provider refused for quota or billing (429 `insufficient_quota`): retrying cannot help, so runs stop. */
export class QuotaExceededError extends CompletionError {
  static override readonly brand: string = 'maxllm.client.QuotaExceededError';
}

/**
 * One request is larger than the model's whole `tpm` limit: its prompt estimate plus `max_tokens`, or the provider
 * said "Request too large". It fails at once, is not retried, and never pauses the model for other requests.
 */
export class RequestTooLargeError extends CompletionError {
  static override readonly brand: string = 'maxllm.client.RequestTooLargeError';

  /** The request's size (our estimate, or what the provider said it counted). @unit tokens */
  readonly tokens: number | undefined;
  /** The limit it exceeds (the model's `tpm`, or the provider's figure). @unit tokens per minute */
  readonly limit: number | undefined;

  constructor(message: string, details: ErrorDetails & { tokens?: number; limit?: number } = {}) {
    super(message, details);
    this.tokens = details.tokens;
    this.limit = details.limit;
  }

  override details(): ErrorDetails & { tokens?: number; limit?: number } {
    return { ...super.details(), tokens: this.tokens, limit: this.limit };
  }
}

/** The model's output did not parse or validate against the schema, after every re-ask. */
export class InvalidOutputError extends CompletionError {
  static override readonly brand: string = 'maxllm.client.InvalidOutputError';
}

/** The request cannot be sent as given (no prompt, bad model spec, streaming an embedding model...). */
export class InvalidClientRequestError extends MaxllmClientError {
  static override readonly brand: string = 'maxllm.client.InvalidClientRequestError';
}

/** A feature that is not available in this version (kept for callers that test for it; nothing throws it now). */
export class NotImplementedError extends MaxllmClientError {
  static override readonly brand: string = 'maxllm.client.NotImplementedError';
}

/** An optional peer dependency (such as `ioredis`) is needed by the configuration but is not installed. */
export class MissingDependencyError extends MaxllmClientError {
  static override readonly brand: string = 'maxllm.client.MissingDependencyError';
}

/**
 * The Redis server of the config's Redis URL (shared rate limits) cannot be reached. Raised before any request is
 * sent, naming the host (never the password); `batchComplete` stops on it. `cause` is the connection error.
 */
export class RedisUnavailableError extends MaxllmClientError {
  static override readonly brand: string = 'maxllm.client.RedisUnavailableError';
}

/** `batchComplete` stopped early (quota, abort); `results` holds what finished, the rest is `placeholder`. */
export class BatchStoppedError extends MaxllmClientError {
  static override readonly brand: string = 'maxllm.client.BatchStoppedError';

  /** Results in input order; unfinished items hold the placeholder. Set by `batchComplete`. */
  results: unknown[] = [];
  /** How many items finished (successfully or not) before the stop. */
  finished = 0;
}
