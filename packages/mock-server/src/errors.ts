import { MaxllmError } from '@maxllm/core';

/**
 * Base class of every error thrown by `@maxllm/mock-server`. `MockServerError.isInstance(e)` is true for these errors only (each
 * subclass's `isInstance` for that subclass only), across duplicated installs; `MaxllmError.isInstance(e)` for any.
 */
export class MockServerError extends MaxllmError {
  static override readonly brand: string = 'maxllm.mock-server.MockServerError';
}

/** Thrown by `createMockServer()` and the CLI for invalid options (a negative rate, an unknown fault kind...). */
export class MockServerOptionsError extends MockServerError {
  static override readonly brand: string = 'maxllm.mock-server.MockServerOptionsError';
}

/** The OpenAI error body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * A request the mock answers with an OpenAI-style error. Thrown inside handlers; the router turns it into the
 * HTTP response, the batch runner into an error-file line.
 */
export class MockRequestError extends MockServerError {
  static override readonly brand: string = 'maxllm.mock-server.MockRequestError';

  /** The HTTP status the client receives. */
  readonly httpStatus: number;
  /** OpenAI `error.type`, e.g. `invalid_request_error`. */
  readonly type: string;
  /** OpenAI `error.param`: the offending parameter, or null. */
  readonly param: string | null;
  /** OpenAI `error.code`, or null. */
  readonly code: string | null;

  constructor(
    httpStatus: number,
    message: string,
    details: { type?: string; param?: string | null; code?: string | null } = {},
  ) {
    super(message);
    this.httpStatus = httpStatus;
    this.type = details.type ?? 'invalid_request_error';
    this.param = details.param ?? null;
    this.code = details.code ?? null;
  }

  /** The JSON body OpenAI sends for this error. */
  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A 400 naming the parameter that is missing or invalid. */
export function invalidParam(param: string, message: string): MockRequestError {
  return new MockRequestError(400, message, { param, code: param === 'model' ? null : 'invalid_value' });
}
