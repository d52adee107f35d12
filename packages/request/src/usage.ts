import type { Usage } from './types';

/**
 * Token usage of a chat, completions, embeddings or Responses-API answer; `undefined` when the provider sent none
 * (the caller then records the tokens as unknown instead of failing, unlike the original).
 */
export function readUsage(response: unknown): Usage | undefined {
  const usage = field(response, 'usage');
  if (typeof usage !== 'object' || usage === null) return undefined;
  const inputTokens = num(field(usage, 'prompt_tokens')) ?? num(field(usage, 'input_tokens'));
  if (inputTokens === undefined) return undefined;
  const inputDetails = field(usage, 'prompt_tokens_details') ?? field(usage, 'input_tokens_details');
  const outputDetails = field(usage, 'completion_tokens_details') ?? field(usage, 'output_tokens_details');
  return {
    inputTokens,
    outputTokens: num(field(usage, 'completion_tokens')) ?? num(field(usage, 'output_tokens')) ?? 0,
    cachedInputTokens: num(field(inputDetails, 'cached_tokens')) ?? 0,
    reasoningTokens: num(field(outputDetails, 'reasoning_tokens')) ?? 0,
  };
}

/** Reads one property of an unknown JSON value. */
export function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
