import { estimateChatTokens, estimateTextTokens } from '@maxllm/ratelimit';
import type { PreparedRequest } from '@maxllm/request';

/** Estimated input tokens of a prepared request (what the limiter reserves before the call). @unit tokens */
export function estimateInputTokens(prepared: PreparedRequest): number {
  const model = String(prepared.body.model);
  if (prepared.kind === 'embedding')
    return estimateTextTokens(prepared.body.input as string | string[], model);
  if (prepared.kind === 'completion')
    return estimateTextTokens(prepared.body.prompt as string | string[], model);
  const { messages, tools, response_format: format } = prepared.body;
  // A json_schema response format is part of the prompt the provider counts.
  const schemaTokens = format === undefined ? 0 : estimateTextTokens(JSON.stringify(format), model);
  return estimateChatTokens(messages as never, model, { tools }) + schemaTokens;
}

/** The output estimator's key: one learned average per endpoint kind, and per structured/plain chat. */
export function outputKey(prepared: PreparedRequest): string {
  return prepared.schema || prepared.jsonMode ? `${prepared.kind}:json` : prepared.kind;
}
