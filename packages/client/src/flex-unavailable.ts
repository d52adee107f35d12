import { APIError } from 'openai';

/**
 * True for the 429 the flex service tier answers when it has no capacity for a request ("resource unavailable",
 * `code: 'resource_unavailable'`). It is neither a quota stop nor a rate limit of the model: only that request
 * waits and tries again; the model's other requests and tiers go on.
 */
export function isFlexUnavailable(error: unknown): boolean {
  if (!(error instanceof APIError) || error.status !== 429) return false;
  const code = (error as APIError<number, Headers | undefined>).code;
  return code === 'resource_unavailable' || /resource unavailable/i.test(error.message);
}
