import { canonicalForm, NOT_PLAIN } from './canonical-form';
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
  // Plain request data (nearly every key): one native `JSON.stringify` of its key-sorted form.
  const form = canonicalForm(value);
  const text = form === NOT_PLAIN ? undefined : JSON.stringify(form);
  return text ?? writeCanonicalJson(value);
}

/**
 * {@link canonicalJson} by the generic writer alone: one walk that knows the path of each value (for its errors).
 * Exported for the tests that hold the fast path to it.
 */
export function writeCanonicalJson(value: unknown): string {
  const writer = new Writer();
  const text = writer.write(value);
  if (text === undefined) throw writer.fail(`Cannot key ${describe(value)}`);
  return text;
}

/** Walks the value once; the path (for error messages) is a stack of segments, joined only on failure. */
class Writer {
  private readonly ancestors: object[] = [];
  /** Property names and array indexes down to the value being written. */
  private readonly path: Array<string | number> = [];

  write(value: unknown): string | undefined {
    if (value === null) return 'null';
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(value)) throw this.fail(`Cannot key ${String(value)}`);
        return JSON.stringify(value);
      case 'undefined':
        return undefined;
      case 'object':
        return this.writeObject(value);
      default:
        throw this.fail(`Cannot key ${describe(value)}`);
    }
  }

  fail(message: string): CacheKeyError {
    const path = `$${this.path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('')}`;
    return new CacheKeyError(`${message} at ${path}`, path);
  }

  private writeObject(value: object): string | undefined {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return this.write((value as { toJSON(key: string): unknown }).toJSON(''));
    }
    if (this.ancestors.includes(value)) throw this.fail('Cannot key a cycle');
    this.ancestors.push(value);
    const text = Array.isArray(value) ? this.writeArray(value) : this.writeRecord(value);
    this.ancestors.pop();
    return text;
  }

  private writeArray(value: readonly unknown[]): string {
    let text = '[';
    for (let index = 0; index < value.length; index++) {
      this.path.push(index);
      text += `${index === 0 ? '' : ','}${this.write(value[index]) ?? 'null'}`;
      this.path.pop();
    }
    return `${text}]`;
  }

  private writeRecord(value: object): string {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw this.fail(`Cannot key ${describe(value)} (use plain objects and arrays)`);
    }
    const record = value as Record<string, unknown>;
    let text = '{';
    for (const name of Object.keys(record).sort()) {
      this.path.push(name);
      const item = this.write(record[name]);
      this.path.pop();
      if (item !== undefined) text += `${text.length === 1 ? '' : ','}${JSON.stringify(name)}:${item}`;
    }
    return `${text}}`;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return `a ${value.constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}
