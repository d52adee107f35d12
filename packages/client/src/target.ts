import type { ResolvedModel } from '@maxllm/config';
import type { RequestTarget } from '@maxllm/request';

/** The model used when a request names none, as in the original. */
export const DEFAULT_MODEL = 'gpt-4o-mini';

/** What `prepareRequest` needs to know about a resolved model. */
export function targetOf(resolved: ResolvedModel): RequestTarget {
  return {
    model: resolved.model,
    uniqueName: resolved.uniqueName,
    apiBase: resolved.apiBase,
    mode: resolved.mode,
    api: resolved.api,
    serviceTier: resolved.serviceTier,
  };
}
