import { CacheKeyError } from './errors';

/**
 * Serialises `value` as JSON with object keys sorted (by UTF-16 code unit) and `undefined` properties dropped, so
 * two inputs that mean the same thing give the same text whatever their key order or object identity.
 *
 * Follows `JSON.stringify` otherwise (`toJSON` is honoured, so a `Date` becomes its ISO string; `undefined` inside
 * an array becomes `null`), but refuses what JSON would silently lose or conflate, so two different requests can
 * never share a key: functions, symbols, bigints, `NaN` / `Infinity`, `Map`, `Set`, other class instances without
 * `toJSON`, and cycles.
 * @throws CacheKeyError naming the path of the offending value.
 */
export function canonicalJson(value: unknown): string {
  const text = write(value, '$', new Set());
  if (text === undefined) throw new CacheKeyError(`Cannot key ${describe(value)} at $`, '$');
  return text;
}

function write(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CacheKeyError(`Cannot key ${String(value)} at ${path}`, path);
      return JSON.stringify(value);
    case 'undefined':
      return undefined;
    case 'object':
      return writeObject(value, path, ancestors);
    default:
      throw new CacheKeyError(`Cannot key ${describe(value)} at ${path}`, path);
  }
}

function writeObject(value: object, path: string, ancestors: Set<object>): string | undefined {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return write((value as { toJSON(key: string): unknown }).toJSON(''), path, ancestors);
  }
  if (ancestors.has(value)) throw new CacheKeyError(`Cannot key a cycle at ${path}`, path);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map(
        (item: unknown, index) => write(item, `${path}[${index}]`, ancestors) ?? 'null',
      );
      return `[${items.join(',')}]`;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new CacheKeyError(`Cannot key ${describe(value)} at ${path}: use plain objects and arrays`, path);
    }
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const name of Object.keys(record).sort()) {
      const text = write(record[name], `${path}.${name}`, ancestors);
      if (text !== undefined) parts.push(`${JSON.stringify(name)}:${text}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return `a ${value.constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}
