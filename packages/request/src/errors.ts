const marker = Symbol.for('maxllm.error');

/** Base class of every error thrown by `@maxllm/request`. */
export class RequestError extends Error {
  readonly [marker] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** True for any MaxLLM error (from any package, any copy of it), not only this package's. */
  static isInstance(value: unknown): value is RequestError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}

/** The request cannot be sent as given: the message names the field. */
export class InvalidRequestError extends RequestError {}

/**
 * The model answered, but its output is not what was asked for: not JSON, or JSON that does not match the schema,
 * or a refusal. `text` is the raw output, so a caller can log or re-ask.
 */
export class OutputValidationError extends RequestError {
  constructor(
    message: string,
    /** The model's raw output text. */
    readonly text: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
