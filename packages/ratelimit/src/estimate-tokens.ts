import { countTokens } from './encoding';

/** Anything shaped like a chat message (an `openai` `ChatCompletionMessageParam` fits). */
export interface ChatMessageLike {
  role: string;
  content?: unknown;
  name?: unknown;
  tool_calls?: unknown;
  function_call?: unknown;
  tool_call_id?: unknown;
}

/** Tokens every message costs beyond its content (role and separators), as in OpenAI's cookbook. */
export const TOKENS_PER_MESSAGE = 3;
/** Tokens that prime the assistant's reply, once per request. */
export const TOKENS_PER_REPLY = 3;
/** Fixed estimate for an image part (a 1024×1024 image at `detail: 'high'`/`'auto'`). @unit tokens */
export const IMAGE_TOKENS = 765;
/** Fixed estimate for an image part with `detail: 'low'`. @unit tokens */
export const LOW_DETAIL_IMAGE_TOKENS = 85;

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

const text = (value: unknown, model: string): number =>
  typeof value === 'string'
    ? countTokens(value, model)
    : value == null
      ? 0
      : countTokens(JSON.stringify(value), model);

function contentTokens(content: unknown, model: string): number {
  if (!Array.isArray(content)) return text(content, model);
  let total = 0;
  for (const item of content as unknown[]) {
    const part = record(item);
    if (!part) total += text(item, model);
    else if (typeof part.text === 'string') total += countTokens(part.text, model);
    else if (typeof part.refusal === 'string') total += countTokens(part.refusal, model);
    else if (part.type === 'image_url' || part.type === 'input_image') {
      const detail = record(part.image_url)?.detail ?? part.detail;
      total += detail === 'low' ? LOW_DETAIL_IMAGE_TOKENS : IMAGE_TOKENS;
    } else total += text(part, model);
  }
  return total;
}

function callTokens(call: unknown, model: string): number {
  const fn = record(record(call)?.function) ?? record(record(call)?.custom) ?? record(call);
  if (!fn) return 0;
  return TOKENS_PER_MESSAGE + text(fn.name, model) + text(fn.arguments ?? fn.input, model);
}

/** Options of {@link estimateChatTokens}. */
export interface ChatEstimateOptions {
  /** The request's `tools` definitions, counted as their JSON text. @default undefined */
  tools?: unknown;
}

/**
 * Estimates the prompt tokens of a chat request: each message's role and content (strings, or part arrays where text parts
 * are counted and images cost a fixed {@link IMAGE_TOKENS}), names, tool calls and tool-call ids, plus
 * {@link TOKENS_PER_MESSAGE} per message and {@link TOKENS_PER_REPLY}. The encoding follows {@link encodingForModel}.
 * @returns estimated prompt tokens. @unit tokens
 */
export function estimateChatTokens(
  messages: readonly ChatMessageLike[],
  model: string,
  options: ChatEstimateOptions = {},
): number {
  let total = TOKENS_PER_REPLY;
  if (Array.isArray(options.tools) && options.tools.length > 0) total += text(options.tools, model);
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + text(message.role, model) + contentTokens(message.content, model);
    if (typeof message.name === 'string') total += 1 + countTokens(message.name, model);
    if (typeof message.tool_call_id === 'string') total += countTokens(message.tool_call_id, model);
    if (Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls as unknown[]) total += callTokens(call, model);
    }
    if (message.function_call) total += callTokens(message.function_call, model);
  }
  return total;
}

/** A completions prompt or embeddings input: text, texts, or pre-tokenised ids. */
export type TextInput = string | readonly string[] | readonly number[] | readonly (readonly number[])[];

/**
 * Estimates the tokens of a completions prompt or an embeddings input. Token-id arrays count their length.
 * @returns estimated tokens. @unit tokens
 */
export function estimateTextTokens(input: TextInput, model: string): number {
  if (typeof input === 'string') return countTokens(input, model);
  let total = 0;
  for (const item of input) {
    if (typeof item === 'string') total += countTokens(item, model);
    else if (typeof item === 'number') total += 1;
    else total += item.length;
  }
  return total;
}
