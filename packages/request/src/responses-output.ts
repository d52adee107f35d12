import { field } from './usage';

/** The parts of the assistant messages in a Responses answer's `output`. */
function messageParts(response: unknown): unknown[] {
  const output = field(response, 'output');
  if (!Array.isArray(output)) return [];
  return output
    .filter((item: unknown) => field(item, 'type') === 'message')
    .flatMap((item: unknown) => {
      const content = field(item, 'content');
      return Array.isArray(content) ? (content as unknown[]) : [];
    });
}

/** The output text of a Responses answer (every `output_text` part, joined), as the SDK's `output_text`. */
export function responseText(response: unknown): string {
  return messageParts(response)
    .filter((part) => field(part, 'type') === 'output_text')
    .map((part) => field(part, 'text'))
    .filter((text): text is string => typeof text === 'string')
    .join('');
}

/** The refusal of a Responses answer, if the model refused. */
export function responseRefusal(response: unknown): string | undefined {
  const part = messageParts(response).find((candidate) => field(candidate, 'type') === 'refusal');
  const refusal = field(part, 'refusal');
  return typeof refusal === 'string' && refusal ? refusal : undefined;
}

/** The `function_call` items of a Responses answer. */
export function responseFunctionCalls(response: unknown): unknown[] {
  const output = field(response, 'output');
  return Array.isArray(output)
    ? output.filter((item: unknown) => field(item, 'type') === 'function_call')
    : [];
}
