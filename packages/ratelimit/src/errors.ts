import { MaxllmError } from '@maxllm/core';

/**
 * Base class of every error thrown by `@maxllm/ratelimit`. `RateLimiterError.isInstance(e)` is true for these errors only (each
 * subclass's `isInstance` for that subclass only), across duplicated installs; `MaxllmError.isInstance(e)` for any.
 */
export class RateLimiterError extends MaxllmError {
  static override readonly brand: string = 'maxllm.ratelimit.RateLimiterError';
}

/** An option or argument is out of range: the message names it and the value. */
export class InvalidLimitError extends RateLimiterError {
  static override readonly brand: string = 'maxllm.ratelimit.InvalidLimitError';
}

/** `acquire()` was called on, or was still waiting in, a limiter that has been closed. */
export class LimiterClosedError extends RateLimiterError {
  static override readonly brand: string = 'maxllm.ratelimit.LimiterClosedError';
}

/** The shared store (Redis) failed an operation: `cause` holds the client's error. */
export class LimiterBackendError extends RateLimiterError {
  static override readonly brand: string = 'maxllm.ratelimit.LimiterBackendError';
}

/**
 * `acquire()` asked for more tokens than the whole `tpm` limit: the provider would refuse such a request ("Request
 * too large"), so it fails at once instead of waiting (and holding back everything behind it).
 */
export class OversizedRequestError extends RateLimiterError {
  static override readonly brand: string = 'maxllm.ratelimit.OversizedRequestError';

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
