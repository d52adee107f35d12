import { MockRequestError, invalidParam } from './errors';

/** The request body as an object, or a 400. */
export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MockRequestError(400, 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** `body.model` as a non-empty string, or a 400 naming `model`. */
export function requireModel(body: Record<string, unknown>): string {
  if (body.model === undefined) throw invalidParam('model', 'you must provide a model parameter');
  if (typeof body.model !== 'string' || body.model === '') {
    throw invalidParam('model', `Invalid type for 'model': expected a non-empty string.`);
  }
  return body.model;
}

/** An optional positive integer parameter, or a 400 naming it. */
export function optionalPositiveInt(
  body: Record<string, unknown>,
  key: string,
  max = Infinity,
): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidParam(
      key,
      `Invalid '${key}': expected an integer from 1 to ${max}, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

/** The token cap of a generation request: `max_completion_tokens` ?? `max_tokens`. */
export function tokenCap(body: Record<string, unknown>): number | undefined {
  return optionalPositiveInt(body, 'max_completion_tokens') ?? optionalPositiveInt(body, 'max_tokens');
}
