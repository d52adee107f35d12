import { estimateChatTokens, estimateTextTokens } from '@maxllm/ratelimit';
import type { PreparedRequest } from '@maxllm/request';

/** Estimated input tokens of a prepared request (what the limiter reserves before the call). @unit tokens */
export function estimateInputTokens(prepared: PreparedRequest): number {
  const model = String(prepared.body.model);
  if (prepared.kind === 'embedding')
    return estimateTextTokens(prepared.body.input as string | string[], model);
  if (prepared.kind === 'completion')
    return estimateTextTokens(prepared.body.prompt as string | string[], model);
  return estimateChatTokens(prepared.body.messages as never, model);
}

/** The output estimator's key: one learned average per endpoint kind, and per structured/plain chat. */
export function outputKey(prepared: PreparedRequest): string {
  return prepared.schema || prepared.jsonMode ? `${prepared.kind}:json` : prepared.kind;
}
