import type { Random } from './random';
import { generateText } from './text-generator';

type Schema = Record<string, unknown>;

const MAX_DEPTH = 6;

/**
 * A deterministic JSON value that validates against `schema`: objects (all properties, `required` honoured,
 * `additionalProperties` never used), arrays (`minItems`/`maxItems`), `enum`, `const`, strings (`minLength`,
 * `maxLength`, formats date-time/date/email/uuid/uri), numbers and integers (bounds, `multipleOf`), booleans,
 * null, `anyOf`/`oneOf` (one branch), `allOf` (merged), `$ref` into `$defs`/`definitions`. Recursion is cut
 * at depth 6 by preferring non-object branches and empty arrays.
 */
export function generateFromSchema(schema: unknown, random: Random): unknown {
  return generate(asSchema(schema), asSchema(schema), random, 0);
}

function asSchema(value: unknown): Schema {
  return typeof value === 'object' && value !== null ? (value as Schema) : {};
}

function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#')) return {};
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = asSchema(node)[key];
  }
  return asSchema(node);
}

function generate(schema: Schema, root: Schema, random: Random, depth: number): unknown {
  if (typeof schema.$ref === 'string')
    return generate(resolveRef(root, schema.$ref), root, random, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return random.pick(schema.enum);
  const branches = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) {
    const candidates =
      depth >= MAX_DEPTH ? branches.filter((branch) => !isComposite(branch, root)) : branches;
    const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
    const branch = asSchema(random.pick(candidates.length > 0 ? candidates : branches));
    return generate({ ...rest, ...branch }, root, random, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...rest } = schema;
    const merged = (allOf as unknown[]).reduce<Schema>(
      (all, part) => mergeSchemas(all, deref(part, root)),
      rest,
    );
    return generate(merged, root, random, depth + 1);
  }
  const type = pickType(schema, random, depth);
  switch (type) {
    case 'object':
      return generateObject(schema, root, random, depth);
    case 'array':
      return generateArray(schema, root, random, depth);
    case 'string':
      return generateString(schema, random);
    case 'integer':
      return generateNumber(schema, random, true);
    case 'number':
      return generateNumber(schema, random, false);
    case 'boolean':
      return random.next() < 0.5;
    case 'null':
      return null;
    default:
      return generateText(random, 3);
  }
}

function deref(value: unknown, root: Schema): Schema {
  const schema = asSchema(value);
  return typeof schema.$ref === 'string' ? resolveRef(root, schema.$ref) : schema;
}

function mergeSchemas(left: Schema, right: Schema): Schema {
  const properties = { ...asSchema(left.properties), ...asSchema(right.properties) };
  const required = [...((left.required as string[]) ?? []), ...((right.required as string[]) ?? [])];
  return { ...left, ...right, properties, required };
}

function isComposite(value: unknown, root: Schema): boolean {
  const schema = deref(value, root);
  return schema.type === 'object' || schema.type === 'array' || 'properties' in schema || 'anyOf' in schema;
}

function pickType(schema: Schema, random: Random, depth: number): string | undefined {
  const declared = schema.type;
  if (typeof declared === 'string') return declared;
  if (Array.isArray(declared) && declared.length > 0) {
    const simple = declared.filter((type) => type !== 'object' && type !== 'array');
    return String(random.pick(depth >= MAX_DEPTH && simple.length > 0 ? simple : declared));
  }
  if ('properties' in schema) return 'object';
  if ('items' in schema) return 'array';
  return undefined;
}

function generateObject(
  schema: Schema,
  root: Schema,
  random: Random,
  depth: number,
): Record<string, unknown> {
  const properties = asSchema(schema.properties);
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (depth >= MAX_DEPTH && !required.has(key)) continue;
    result[key] = generate(asSchema(value), root, random, depth + 1);
  }
  for (const key of required) {
    if (!(key in result)) result[key] = generateText(random, 2);
  }
  return result;
}

function generateArray(schema: Schema, root: Schema, random: Random, depth: number): unknown[] {
  const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : Math.max(min, 3);
  const length =
    depth >= MAX_DEPTH ? min : random.int(Math.max(min, Math.min(1, max)), Math.max(min, Math.min(max, 3)));
  if (Array.isArray(schema.prefixItems)) {
    const tuple = (schema.prefixItems as unknown[]).map((item) =>
      generate(asSchema(item), root, random, depth + 1),
    );
    return tuple;
  }
  const items = asSchema(schema.items);
  return Array.from({ length }, () => generate(items, root, random, depth + 1));
}

function generateString(schema: Schema, random: Random): string {
  switch (schema.format) {
    case 'date-time':
      return new Date(Date.UTC(2024, random.int(0, 11), random.int(1, 28), random.int(0, 23))).toISOString();
    case 'date':
      return new Date(Date.UTC(2024, random.int(0, 11), random.int(1, 28))).toISOString().slice(0, 10);
    case 'email':
      return `user${random.int(1, 999)}@example.com`;
    case 'uuid':
      return uuid(random);
    case 'uri':
      return `https://example.com/${random.int(1, 9999)}`;
    default:
      break;
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  let text = generateText(random, random.int(1, 6)).trim();
  while (text.length < min) text += ` ${generateText(random, 4).toLowerCase()}`;
  if (text.length > max) text = text.slice(0, max);
  return text;
}

function uuid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16));
  hex[12] = '4';
  hex[16] = '8';
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function generateNumber(schema: Schema, random: Random, integer: boolean): number {
  let min = typeof schema.minimum === 'number' ? schema.minimum : 0;
  let max = typeof schema.maximum === 'number' ? schema.maximum : min + 100;
  const step = integer ? 1 : 0.01;
  if (typeof schema.exclusiveMinimum === 'number') min = Math.max(min, schema.exclusiveMinimum + step);
  if (typeof schema.exclusiveMaximum === 'number') max = Math.min(max, schema.exclusiveMaximum - step);
  if (max < min) max = min;
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0) {
    const unit = schema.multipleOf;
    const low = Math.ceil(min / unit);
    const high = Math.max(low, Math.floor(max / unit));
    return random.int(low, high) * unit;
  }
  if (integer) return random.int(Math.ceil(min), Math.max(Math.ceil(min), Math.floor(max)));
  const value = Math.round((min + random.next() * (max - min)) * 100) / 100;
  return Math.min(max, Math.max(min, value));
}
