import { formatDuration } from './duration';
import type { Admission, WindowState } from './rate-limit-window';

/** The `x-ratelimit-*` headers for a window state; dimensions without a limit are left out. */
export function rateLimitHeaders(state: WindowState): Record<string, string> {
  const headers: Record<string, string> = {};
  if (state.limitRequests !== undefined) {
    headers['x-ratelimit-limit-requests'] = String(state.limitRequests);
    headers['x-ratelimit-remaining-requests'] = String(state.remainingRequests ?? 0);
    headers['x-ratelimit-reset-requests'] = formatDuration(state.resetRequestsMs);
  }
  if (state.limitTokens !== undefined) {
    headers['x-ratelimit-limit-tokens'] = String(state.limitTokens);
    headers['x-ratelimit-remaining-tokens'] = String(state.remainingTokens ?? 0);
    headers['x-ratelimit-reset-tokens'] = formatDuration(state.resetTokensMs);
  }
  return headers;
}

/** `retry-after-ms` and `retry-after` (whole seconds, rounded up) for a wait of `ms`. */
export function retryAfterHeaders(ms: number): Record<string, string> {
  const wait = Math.max(1, Math.ceil(ms));
  return { 'retry-after-ms': String(wait), 'retry-after': String(Math.ceil(wait / 1000)) };
}

/** OpenAI's message for a request over its limit. */
export function rateLimitMessage(
  model: string,
  rejection: Extract<Admission, { ok: false }>,
  state: WindowState,
  requested: number,
): string {
  const wait = formatDuration(rejection.retryAfterMs);
  if (rejection.kind === 'requests') {
    const limit = state.limitRequests ?? 0;
    return `Rate limit reached for ${model} in organization org-mock on requests per min (RPM): Limit ${limit}, Used ${limit - (state.remainingRequests ?? 0)}, Requested 1. Please try again in ${wait}. Visit https://platform.openai.com/account/rate-limits to learn more.`;
  }
  const limit = state.limitTokens ?? 0;
  const used = limit - (state.remainingTokens ?? 0);
  if (rejection.tooLarge) {
    return `Request too large for ${model} in organization org-mock on tokens per min (TPM): Limit ${limit}, Requested ${requested}. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.`;
  }
  return `Rate limit reached for ${model} in organization org-mock on tokens per min (TPM): Limit ${limit}, Used ${used}, Requested ${requested}. Please try again in ${wait}. Visit https://platform.openai.com/account/rate-limits to learn more.`;
}
