import { z } from 'zod';
import { OutputValidationError } from './errors';
import { parseJsonLenient } from './parse-json-lenient';

/**
 * Parses and validates structured output against its zod schema. Strict mode sends optional properties as nullable,
 * so nulls are dropped and validation tried again; a one-field object schema also accepts the bare value
 * (`4` for `{ answer: number }`), as the original does.
 * @throws OutputValidationError naming the first problems when the output does not match.
 */
export function parseStructured(text: string, schema: z.ZodType): unknown {
  const data = parseJsonLenient(text);
  for (const candidate of [data, dropNulls(data), wrapSingleField(data, schema)]) {
    if (candidate === undefined) continue;
    const result = schema.safeParse(candidate);
    if (result.success) return result.data;
  }
  const issues = schema.safeParse(data).error?.issues ?? [];
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw new OutputValidationError(`The model's output does not match the schema: ${summary}`, text);
}

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, child]) => child !== null)
      .map(([key, child]) => [key, dropNulls(child)]),
  );
}

function wrapSingleField(value: unknown, schema: z.ZodType): unknown {
  if (!(schema instanceof z.ZodObject)) return undefined;
  const keys = Object.keys(schema.shape);
  if (keys.length !== 1) return undefined;
  const [key] = keys as [string];
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && key in value) return undefined;
  return { [key]: value };
}
