const marker = Symbol.for('maxllm.error');

/** Base class of every error thrown by `@maxllm/ratelimit`. */
export class RateLimiterError extends Error {
  readonly [marker] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** True for any MaxLLM error (from any package, any copy of it), not only this package's. */
  static isInstance(value: unknown): value is RateLimiterError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}

/** An option or argument is out of range: the message names it and the value. */
export class InvalidLimitError extends RateLimiterError {}

/** `acquire()` was called on, or was still waiting in, a limiter that has been closed. */
export class LimiterClosedError extends RateLimiterError {}

/** The shared store (Redis) failed an operation: `cause` holds the client's error. */
export class LimiterBackendError extends RateLimiterError {}

/**
 * `acquire()` asked for more tokens than the whole `tpm` limit: the provider would refuse such a request ("Request
 * too large"), so it fails at once instead of waiting (and holding back everything behind it).
 */
export class OversizedRequestError extends RateLimiterError {
  /** Tokens asked for. @unit tokens */
  readonly tokens: number;
  /** The `tpm` limit it exceeds. @unit tokens per interval */
  readonly limit: number;

  constructor(tokens: number, limit: number) {
    super(
      `acquire: a request of ${tokens} tokens can never fit the limit of ${limit} tokens per window ` +
        '(the provider would refuse it as too large); shorten it or raise tpm',
    );
    this.tokens = tokens;
    this.limit = limit;
  }
}
