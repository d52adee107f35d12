import { OutputValidationError } from './errors';

/**
 * Parses a model's JSON output leniently: strips `<think>` blocks and Markdown fences, then tries the text, then
 * the outermost `{...}` or `[...]` span, then that span with trailing commas removed.
 * Unlike the original, keys are never lower-cased and valid falsy values (`0`, `false`, `[]`) are results.
 * @throws OutputValidationError when no JSON can be found.
 */
export function parseJsonLenient(text: string): unknown {
  const cleaned = text
    .replace(/<think>[\s\S]*?<\/think>/g, '')
    .replace(/```(?:json5?|JSON)?/g, '')
    .trim();
  for (const candidate of candidates(cleaned)) {
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // try the next candidate
    }
  }
  throw new OutputValidationError(
    `The model's output is not JSON: ${JSON.stringify(text.slice(0, 120))}`,
    text,
  );
}

function* candidates(text: string): Generator<string> {
  yield text;
  const span = outermostSpan(text);
  if (span === undefined) return;
  yield span;
  yield span.replace(/,\s*([}\]])/g, '$1');
}

function outermostSpan(text: string): string | undefined {
  const start = text.search(/[{[]/);
  if (start < 0) return undefined;
  const close = text[start] === '{' ? '}' : ']';
  const end = text.lastIndexOf(close);
  return end > start ? text.slice(start, end + 1) : undefined;
}
