import { estimateChatTokens, estimateTextTokens, OversizedRequestError } from '@maxllm/ratelimit';
import type { PreparedRequest } from '@maxllm/request';

/** Estimated input tokens of a prepared request (what the limiter reserves before the call). @unit tokens */
export function estimateInputTokens(prepared: PreparedRequest): number {
  const model = String(prepared.body.model);
  if (prepared.kind === 'embedding')
    return estimateTextTokens(prepared.body.input as string | string[], model);
  if (prepared.kind === 'completion')
    return estimateTextTokens(prepared.body.prompt as string | string[], model);
  if (prepared.kind === 'responses') {
    const { input, instructions, tools, text } = prepared.body;
    const format = (text as { format?: unknown } | undefined)?.format;
    const schemaTokens = format === undefined ? 0 : estimateTextTokens(JSON.stringify(format), model);
    return (
      estimateChatTokens(responsesMessages(input, instructions) as never, model, { tools }) + schemaTokens
    );
  }
  const { messages, tools, response_format: format } = prepared.body;
  // A json_schema response format is part of the prompt the provider counts.
  const schemaTokens = format === undefined ? 0 : estimateTextTokens(JSON.stringify(format), model);
  return estimateChatTokens(messages as never, model, { tools }) + schemaTokens;
}

/** A Responses `instructions` + `input` as chat-like messages, for counting. */
function responsesMessages(input: unknown, instructions: unknown): unknown[] {
  const system = typeof instructions === 'string' ? [{ role: 'developer', content: instructions }] : [];
  if (typeof input === 'string') return [...system, { role: 'user', content: input }];
  return [...system, ...(Array.isArray(input) ? (input as unknown[]) : [])];
}

/** The output estimator's key: one learned average per endpoint kind, and per structured/plain chat. */
export function outputKey(prepared: PreparedRequest): string {
  return prepared.schema || prepared.jsonMode ? `${prepared.kind}:json` : prepared.kind;
}

/**
 * Tokens to reserve on the limiter before a call. Providers (OpenAI, and the mock server) charge a request's
 * `max_tokens` against TPM at admission, so a capped request reserves its whole cap; an uncapped one reserves the
 * learned output estimate, at most what is left of `tpm`.
 * @throws OversizedRequestError when the prompt estimate plus `max_tokens` alone exceed `tpm`: the provider would
 *   refuse it, so it must fail at once rather than wait for (and then hold) the whole window.
 */
export function reserveTokens(
  prepared: PreparedRequest,
  inputEstimate: number,
  outputEstimate: number,
  tpm = Infinity,
): number {
  const certain = inputEstimate + (prepared.maxTokens ?? 0);
  if (certain > tpm) throw new OversizedRequestError(certain, tpm);
  return Math.min(tpm, inputEstimate + (prepared.maxTokens ?? outputEstimate));
}

/**
 * What the provider counted for a finished call, to settle the limiter with: the real input plus the cap when one
 * was asked (it stays charged whatever the model wrote), else the real output. Without usage: the reservation.
 */
export function chargedTokens(
  prepared: PreparedRequest,
  usage: { inputTokens: number; outputTokens: number } | undefined,
  reserved: number,
): number {
  if (!usage) return reserved;
  return usage.inputTokens + Math.max(prepared.maxTokens ?? 0, usage.outputTokens);
}
