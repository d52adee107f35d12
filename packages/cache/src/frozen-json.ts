/**
 * Freezes parsed JSON data (`JSON.parse` output: plain objects, arrays, primitives) and everything in it, so one
 * copy can be handed to every reader: an assignment to any part of it throws in strict code and is ignored otherwise.
 * Returns `value`.
 */
export function freezeDeep<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) freezeDeep(value[index] as unknown);
  } else {
    const record = value as Record<string, unknown>;
    for (const name of Object.keys(record)) freezeDeep(record[name]);
  }
  return value;
}

/**
 * A mutable deep copy of parsed JSON data (what `JSON.parse` of its text would give: same keys in the same order,
 * a `__proto__` key as an own property), cheaper than re-parsing the text.
 */
export function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (let index = 0; index < value.length; index++) copy.push(copyJson(value[index] as unknown));
    return copy as T;
  }
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(record)) {
    if (name === '__proto__') {
      Object.defineProperty(copy, name, {
        value: copyJson(record[name]),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else {
      copy[name] = copyJson(record[name]);
    }
  }
  return copy as T;
}
