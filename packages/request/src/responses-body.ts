import { InvalidRequestError } from './errors';
import { buildMessages, contentText } from './messages';
import { responsesInput } from './responses-input';
import type { ResponseFormat } from './response-format';
import type { CompleteRequest } from './types';

/** A Responses body with the previews the ledger keeps. */
export interface ResponsesBody {
  body: Record<string, unknown>;
  promptPreview: string;
  systemPreview: string;
}

/**
 * The `/v1/responses` body of a request: `systemPrompt` → `instructions`; `input` (a string or Responses items)
 * as given, else `messages` or `historyMessages` + `prompt` as input items (a lone prompt stays a string);
 * `format` (from `jsonMode` / `jsonFormat` / a chat-style `response_format`) → `text.format`, merged into a
 * `text` object parameter (`verbosity`); chat's `reasoning_effort` → `reasoning.effort`.
 * @throws InvalidRequestError when there is no input, or the prompt is not a string.
 */
export function responsesBody(
  request: CompleteRequest,
  model: string,
  params: Record<string, unknown>,
  format: ResponseFormat | undefined,
): ResponsesBody {
  const body: Record<string, unknown> = { model };
  let promptPreview: string;
  if (request.input !== undefined && request.input !== null) {
    if (typeof request.input !== 'string' && !Array.isArray(request.input)) {
      throw new InvalidRequestError("'input' must be a string or an array of Responses input items.");
    }
    body.input = request.input;
    promptPreview = typeof request.input === 'string' ? request.input : lastUserText(request.input);
  } else if (request.messages === undefined && !request.historyMessages?.length) {
    const prompt = contentText(buildMessages({ prompt: request.prompt })[0]!.content);
    body.input = prompt;
    promptPreview = prompt;
  } else {
    const messages = buildMessages({ ...request, systemPrompt: undefined });
    body.input = responsesInput(messages);
    promptPreview = lastUserText(messages);
  }
  if (request.systemPrompt) body.instructions = request.systemPrompt;

  const { reasoning_effort: effort, response_format: chatFormat, ...rest } = params;
  Object.assign(body, rest);
  if (effort !== undefined) {
    body.reasoning = { ...(body.reasoning as Record<string, unknown> | undefined), effort };
  }
  const textFormat = format ?? (chatFormat === undefined ? undefined : fromChatFormat(chatFormat));
  const text: unknown = (request as { text?: unknown }).text;
  const textConfig = typeof text === 'object' && text !== null ? text : undefined;
  if (textConfig || textFormat) {
    body.text = { ...textConfig, ...(textFormat ? { format: textFormat } : {}) };
  }

  const systemPreview =
    typeof body.instructions === 'string'
      ? body.instructions
      : Array.isArray(body.input)
        ? (body.input as Array<Record<string, unknown>>)
            .filter((item) => item.role === 'system' || item.role === 'developer')
            .map((item) => contentText(item.content))
            .join(' ')
        : '';
  return { body, promptPreview, systemPreview };
}

/** A chat `response_format` in Responses' `text.format` shape (`json_schema` loses its wrapper object). */
function fromChatFormat(format: unknown): unknown {
  const record = format as Record<string, unknown> | null;
  if (record?.type !== 'json_schema' || typeof record.json_schema !== 'object') return format;
  return { type: 'json_schema', ...(record.json_schema as Record<string, unknown>) };
}

function lastUserText(items: readonly unknown[]): string {
  const user = items.findLast(
    (item) => typeof item === 'object' && item !== null && (item as { role?: unknown }).role === 'user',
  ) as { content?: unknown } | undefined;
  return user ? contentText(user.content) : '';
}
