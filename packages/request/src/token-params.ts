import type { ModelMode } from './types';

/**
 * Normalises the output-cap parameter per endpoint, as the original does: `max_output_tokens` becomes `max_tokens`;
 * chat sends `max_completion_tokens` (OpenAI's current name), legacy completions send `max_tokens`; the Responses
 * API sends `max_output_tokens` (from whichever of the three names was given).
 * Unlike the original, an explicit `max_completion_tokens` is never overwritten by `max_tokens`.
 * Returns the cap that will be sent, if any.
 */
export function normaliseTokenParams(params: Record<string, unknown>, kind: ModelMode): number | undefined {
  if (params.max_output_tokens !== undefined && kind !== 'responses') {
    params.max_tokens ??= params.max_output_tokens;
    delete params.max_output_tokens;
  }
  if (kind === 'chat') {
    if (params.max_tokens !== undefined) {
      params.max_completion_tokens ??= params.max_tokens;
      delete params.max_tokens;
    }
    return asNumber(params.max_completion_tokens);
  }
  if (kind === 'responses') {
    params.max_output_tokens ??= params.max_completion_tokens ?? params.max_tokens;
    delete params.max_completion_tokens;
    delete params.max_tokens;
    return asNumber(params.max_output_tokens);
  }
  if (kind === 'completion') {
    if (params.max_completion_tokens !== undefined) {
      params.max_tokens ??= params.max_completion_tokens;
      delete params.max_completion_tokens;
    }
    return asNumber(params.max_tokens);
  }
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
