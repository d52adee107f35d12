import { countTokens, decode, encode } from 'gpt-tokenizer/encoding/o200k_base';

const plain = { disallowedSpecial: new Set<string>() };

/** Tokens added per chat message (role and separators), as in OpenAI's cookbook for gpt-4o-class models. */
export const TOKENS_PER_MESSAGE = 3;
/** Tokens that prime every assistant reply. */
export const TOKENS_PER_REPLY = 3;
/** Flat cost of one image content part (OpenAI's `detail: low` price). */
export const TOKENS_PER_IMAGE = 85;

/** Number of `o200k_base` tokens in `text` (special-token strings count as plain text). */
export function countTextTokens(text: string): number {
  return text.length === 0 ? 0 : countTokens(text, plain);
}

/** The first `limit` tokens of `text`, decoded back to a string. */
export function truncateToTokens(text: string, limit: number): string {
  return decode(encode(text, plain).slice(0, Math.max(0, limit)));
}

/**
 * Prompt tokens of a chat request: per message 3 tokens + the tokens of its role, content (text parts; images
 * 85 each) and name (+1), then 3 for the reply primer; tools add the tokens of their JSON definitions.
 */
export function countChatPromptTokens(messages: readonly unknown[], tools?: unknown): number {
  let total = TOKENS_PER_REPLY;
  for (const message of messages) {
    const record = (message ?? {}) as Record<string, unknown>;
    total += TOKENS_PER_MESSAGE + countTextTokens(typeof record.role === 'string' ? record.role : '');
    total += countContentTokens(record.content);
    if (typeof record.name === 'string') total += countTextTokens(record.name) + 1;
    if (Array.isArray(record.tool_calls)) total += countTextTokens(JSON.stringify(record.tool_calls));
  }
  if (Array.isArray(tools) && tools.length > 0) total += countTextTokens(JSON.stringify(tools));
  return total;
}

function countContentTokens(content: unknown): number {
  if (typeof content === 'string') return countTextTokens(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content as Array<Record<string, unknown>>) {
    if (typeof part?.text === 'string') total += countTextTokens(part.text);
    else if (part?.type === 'image_url' || part?.type === 'input_image') total += TOKENS_PER_IMAGE;
    else if (part?.type === 'input_audio') total += TOKENS_PER_IMAGE;
  }
  return total;
}
