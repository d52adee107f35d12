/**
 * A deep copy of request data taken before anything is sent, so a caller mutating its objects afterwards can change
 * neither the request nor its cache key. Functions and class instances are not request data: JSON semantics apply.
 */
export function snapshot<T>(value: T): T {
  if (value === undefined) return value;
  try {
    return structuredClone(value);
  } catch {
    return JSON.parse(JSON.stringify(value)) as T;
  }
}
