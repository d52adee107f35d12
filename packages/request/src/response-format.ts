import { z } from 'zod';

/** The `response_format` OpenAI takes for structured output. */
export interface JsonSchemaResponseFormat {
  type: 'json_schema';
  json_schema: { name: string; schema: Record<string, unknown>; strict: true };
}

/**
 * A strict `json_schema` response format from a zod schema. OpenAI's strict mode wants every object closed
 * (`additionalProperties: false`) and every property required, so optional properties are sent as nullable and
 * `parseStructured` drops the nulls again before validating.
 */
export function zodResponseFormat(schema: z.ZodType, name?: string): JsonSchemaResponseFormat {
  const jsonSchema = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete jsonSchema.$schema;
  const title = typeof jsonSchema.title === 'string' ? jsonSchema.title : undefined;
  return {
    type: 'json_schema',
    json_schema: {
      name: schemaName(name ?? title ?? 'response'),
      schema: strictify(jsonSchema),
      strict: true,
    },
  };
}

/** Responses' `text.format` for structured output: the same strict schema, without chat's `json_schema` wrapper. */
export interface JsonSchemaTextFormat {
  type: 'json_schema';
  name: string;
  schema: Record<string, unknown>;
  strict: true;
}

/** What `jsonMode` / `jsonFormat` send: chat's `response_format` or Responses' `text.format`. */
export type ResponseFormat = JsonSchemaResponseFormat | JsonSchemaTextFormat | { type: 'json_object' };

/** A strict `json_schema` text format (Responses API) from a zod schema; see {@link zodResponseFormat}. */
export function zodTextFormat(schema: z.ZodType, name?: string): JsonSchemaTextFormat {
  return { type: 'json_schema', ...zodResponseFormat(schema, name).json_schema };
}

function schemaName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'response';
}

function strictify(node: unknown): Record<string, unknown> {
  if (typeof node !== 'object' || node === null) return node as Record<string, unknown>;
  if (Array.isArray(node)) return node.map(strictify) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    out[key] = typeof value === 'object' && value !== null ? strictifyChildren(key, value) : value;
  }
  if (out.type === 'object' && typeof out.properties === 'object' && out.properties !== null) {
    const properties = out.properties as Record<string, unknown>;
    const required = new Set(Array.isArray(out.required) ? (out.required as string[]) : []);
    for (const key of Object.keys(properties)) {
      if (!required.has(key)) properties[key] = { anyOf: [properties[key], { type: 'null' }] };
    }
    out.required = Object.keys(properties);
    out.additionalProperties = false;
  }
  return out;
}

function strictifyChildren(key: string, value: object): unknown {
  if (key === 'properties' || key === '$defs' || key === 'definitions') {
    return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, strictify(child)]));
  }
  return strictify(value);
}
