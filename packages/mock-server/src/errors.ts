const marker = Symbol.for('maxllm.error');
const mockMarker = Symbol.for('maxllm.error.mock-server');

/** Base class of every error thrown by `@maxllm/mock-server`. Branded so it survives duplicated installs. */
export class MockServerError extends Error {
  /** Brand shared by every MaxLLM error class. */
  readonly [marker] = true;
  /** Brand of `@maxllm/mock-server` errors. */
  readonly [mockMarker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** True when `value` is an error of this class (or a subclass), even one created by another copy of the package. */
  static isInstance<T extends abstract new (...args: never[]) => MockServerError>(
    this: T,
    value: unknown,
  ): value is InstanceType<T> {
    if (!(value instanceof Error) || (value as unknown as Record<symbol, unknown>)[mockMarker] !== true)
      return false;
    if ((this as unknown) === MockServerError || value instanceof this) return true;
    for (let proto: unknown = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
      if ((proto as { constructor?: { name?: string } }).constructor?.name === this.name) return true;
    }
    return false;
  }
}

/** Thrown by `createMockServer()` and the CLI for invalid options (a negative rate, an unknown fault kind...). */
export class MockServerOptionsError extends MockServerError {}

/** The OpenAI error body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * A request the mock answers with an OpenAI-style error. Thrown inside handlers; the router turns it into the
 * HTTP response, the batch runner into an error-file line.
 */
export class MockRequestError extends MockServerError {
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
