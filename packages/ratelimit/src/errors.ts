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
