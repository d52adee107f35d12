import { MaxllmError } from '@maxllm/core';

/**
 * Base class of every error thrown by `@maxllm/request`. `RequestError.isInstance(e)` is true for these errors only (each
 * subclass's `isInstance` for that subclass only), across duplicated installs; `MaxllmError.isInstance(e)` for any.
 */
export class RequestError extends MaxllmError {
  static override readonly brand: string = 'maxllm.request.RequestError';
}

/** The request cannot be sent as given: the message names the field. */
export class InvalidRequestError extends RequestError {
  static override readonly brand: string = 'maxllm.request.InvalidRequestError';
}

/**
 * The model answered, but its output is not what was asked for: not JSON, or JSON that does not match the schema,
 * or a refusal. `text` is the raw output, so a caller can log or re-ask.
 */
export class OutputValidationError extends RequestError {
  static override readonly brand: string = 'maxllm.request.OutputValidationError';

  constructor(
    message: string,
    /** The model's raw output text. */
    readonly text: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
