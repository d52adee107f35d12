const marker = Symbol.for('maxllm.error');

/** Base class of every error thrown by `@maxllm/cache`. */
export class CacheError extends Error {
  readonly [marker] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** True for any MaxLLM error (from any package, any copy of it), not only this package's. */
  static isInstance(value: unknown): value is CacheError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}

/**
 * A value cannot be turned into a key without losing information (a function, symbol, bigint, `NaN`, `Infinity`,
 * a `Map` / `Set` / class instance without `toJSON`, or a cycle). The message names the path, e.g. `$.messages[2]`.
 */
export class CacheKeyError extends CacheError {
  constructor(
    message: string,
    /** Where in the input the offending value sits, as `$.a.b[0]`. */
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** `set()` was given something that is not a storable entry (no `meta`, or a value JSON cannot represent). */
export class InvalidCacheEntryError extends CacheError {}

/** A namespace is empty or contains a NUL character (NUL separates namespace and key on disk). */
export class InvalidNamespaceError extends CacheError {}
