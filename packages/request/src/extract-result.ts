import { OutputValidationError } from './errors';
import { responseFunctionCalls, responseRefusal, responseText } from './responses-output';
import { parseStructured } from './structured';
import type { PreparedRequest } from './types';
import { field } from './usage';

/**
 * The result `complete()` returns for an API answer: chat and Responses → the message text (Responses: every
 * `output_text` part of the output, joined), or the parsed, validated value when a schema was asked; embeddings → `number[]` for a string input, `number[][]` for an array; completions → the text;
 * `raw` → the response itself.
 * @throws OutputValidationError when structured output does not parse or validate, or the model refused.
 */
export function extractResult(prepared: PreparedRequest, response: unknown): unknown {
  if (prepared.raw) return response;
  if (prepared.kind === 'embedding') return embeddingsOf(prepared, response);
  let refusal: unknown;
  let content: unknown;
  if (prepared.kind === 'responses') {
    const output = field(response, 'output');
    if (!Array.isArray(output)) throw new OutputValidationError('The response has no output.', undefined);
    refusal = responseRefusal(response);
    content = responseText(response);
  } else {
    const choice = firstChoice(response);
    if (prepared.kind === 'completion') return field(choice, 'text');
    const message = field(choice, 'message');
    refusal = field(message, 'refusal');
    content = field(message, 'content');
  }
  if (typeof refusal === 'string' && refusal) {
    throw new OutputValidationError(`The model refused: ${refusal.slice(0, 200)}`, undefined);
  }
  if (!prepared.schema) return content ?? null;
  if (typeof content !== 'string') {
    throw new OutputValidationError('The model returned no text to parse as structured output.', undefined);
  }
  return parseStructured(content, prepared.schema);
}

/** The answer's text: message content, completion text, or a short note for embeddings and tool calls. */
export function completionText(prepared: PreparedRequest, response: unknown): string {
  if (prepared.kind === 'embedding') {
    const data = field(response, 'data');
    return Array.isArray(data) ? `[${data.length} embedding${data.length === 1 ? '' : 's'}]` : '';
  }
  if (prepared.kind === 'responses') {
    const text = responseText(response);
    const calls = responseFunctionCalls(response);
    return text || calls.length === 0 ? text : JSON.stringify(calls);
  }
  const choice = firstChoice(response);
  if (prepared.kind === 'completion') return stringOr(field(choice, 'text'));
  const message = field(choice, 'message');
  const content = field(message, 'content');
  if (typeof content === 'string') return content;
  const toolCalls = field(message, 'tool_calls');
  return Array.isArray(toolCalls) ? JSON.stringify(toolCalls) : '';
}

/**
 * Whether an answer may be cached: it has choices (or one vector per input; a Responses answer: `status`
 * completed), and it was not cut by a length limit that the caller did not ask for. Errors and partial streams
 * never reach here.
 */
export function isCacheable(prepared: PreparedRequest, response: unknown): boolean {
  if (prepared.kind === 'responses') {
    const status = field(response, 'status');
    if (status === 'completed') return true;
    const reason = field(field(response, 'incomplete_details'), 'reason');
    return status === 'incomplete' && reason === 'max_output_tokens' && prepared.maxTokens !== undefined;
  }
  if (prepared.kind === 'embedding') {
    const data = field(response, 'data');
    const input = prepared.body.input;
    return Array.isArray(data) && data.length === (Array.isArray(input) ? input.length : 1);
  }
  const choices = field(response, 'choices');
  if (!Array.isArray(choices) || choices.length === 0) return false;
  return choices.every(
    (choice: unknown) => field(choice, 'finish_reason') !== 'length' || prepared.maxTokens !== undefined,
  );
}

function firstChoice(response: unknown): unknown {
  const choices = field(response, 'choices');
  if (!Array.isArray(choices) || choices.length === 0) {
    throw new OutputValidationError('The response has no choices.', undefined);
  }
  return choices[0];
}

function embeddingsOf(prepared: PreparedRequest, response: unknown): number[] | number[][] {
  const data = field(response, 'data');
  if (!Array.isArray(data))
    throw new OutputValidationError('The embeddings response has no data.', undefined);
  const vectors = [...(data as unknown[])]
    .sort((a: unknown, b: unknown) => Number(field(a, 'index') ?? 0) - Number(field(b, 'index') ?? 0))
    .map((item: unknown) => vectorOf(field(item, 'embedding')));
  if (Array.isArray(prepared.body.input)) return vectors;
  const [first] = vectors;
  if (!first) throw new OutputValidationError('The embeddings response is empty.', undefined);
  return first;
}

/** Vectors come as numbers, or as base64 little-endian float32 when `encoding_format: "base64"` was asked. */
function vectorOf(embedding: unknown): number[] {
  if (Array.isArray(embedding)) return embedding as number[];
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
    return Array.from(floats);
  }
  throw new OutputValidationError('An embedding is neither an array nor base64.', undefined);
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
