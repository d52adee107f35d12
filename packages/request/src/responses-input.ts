import { InvalidRequestError } from './errors';
import type { ChatMessage } from './types';

/**
 * Chat messages as Responses input items: the same roles, string content as it is, chat content parts turned
 * into their Responses twins (`text` → `input_text`, or `output_text` in an assistant turn; `image_url` →
 * `input_image`); parts already in Responses form pass unchanged.
 * @throws InvalidRequestError for a tool turn (`role: 'tool'` or `tool_calls`): pass Responses `input` items
 * (`function_call`, `function_call_output`) for those.
 */
export function responsesInput(messages: readonly ChatMessage[]): Array<Record<string, unknown>> {
  return messages.map((message, index) => {
    if (message.role === 'tool' || message.tool_calls !== undefined) {
      throw new InvalidRequestError(
        `messages[${index}] is a tool turn, which has no Responses equivalent here: pass Responses 'input' items (function_call, function_call_output) instead.`,
      );
    }
    const content = Array.isArray(message.content)
      ? message.content.map((part: unknown) => inputPart(part, message.role === 'assistant'))
      : (message.content ?? '');
    return { role: message.role, content };
  });
}

function inputPart(part: unknown, assistant: boolean): unknown {
  if (typeof part !== 'object' || part === null) return part;
  const record = part as Record<string, unknown>;
  if (record.type === 'text') {
    return assistant
      ? { type: 'output_text', text: record.text, annotations: [] }
      : { type: 'input_text', text: record.text };
  }
  if (record.type === 'image_url') {
    const image = record.image_url as { url?: unknown; detail?: unknown } | string | undefined;
    const url = typeof image === 'string' ? image : image?.url;
    const detail = typeof image === 'object' && typeof image.detail === 'string' ? image.detail : 'auto';
    return { type: 'input_image', image_url: url, detail };
  }
  return part;
}
