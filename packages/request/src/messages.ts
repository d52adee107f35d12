import { InvalidRequestError } from './errors';
import type { ChatMessage, CompleteRequest } from './types';

/**
 * The chat messages of a request: `messages` as given, else system + history + user prompt (as the original).
 * @throws InvalidRequestError when there is neither a prompt nor messages.
 */
export function buildMessages(request: CompleteRequest): ChatMessage[] {
  if (request.messages !== undefined && request.messages.length > 0) return request.messages;
  const prompt = request.prompt;
  if (prompt === undefined || prompt === null) {
    throw new InvalidRequestError("'prompt' or 'messages' must be provided.");
  }
  if (typeof prompt !== 'string') {
    throw new InvalidRequestError(`'prompt' must be a string for a chat model (got ${describe(prompt)}).`);
  }
  const messages: ChatMessage[] = [];
  if (request.systemPrompt) messages.push({ role: 'system', content: request.systemPrompt });
  if (request.historyMessages) messages.push(...request.historyMessages);
  messages.push({ role: 'user', content: prompt });
  return messages;
}

/** The text of a message's content: strings as they are, text parts joined, anything else empty. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string'
        ? part.text
        : '',
    )
    .filter(Boolean)
    .join(' ');
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : typeof value;
}
