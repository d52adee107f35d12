import { MaxllmError } from '@maxllm/core';

/**
 * Base class of every error thrown by `@maxllm/cache`. `CacheError.isInstance(e)` is true for these errors only (each
 * subclass's `isInstance` for that subclass only), across duplicated installs; `MaxllmError.isInstance(e)` for any.
 */
export class CacheError extends MaxllmError {
  static override readonly brand: string = 'maxllm.cache.CacheError';
}

/**
 * A value cannot be turned into a key without losing information (a function, symbol, bigint, `NaN`, `Infinity`,
 * a `Map` / `Set` / class instance without `toJSON`, or a cycle). The message names the path, e.g. `$.messages[2]`.
 */
export class CacheKeyError extends CacheError {
  static override readonly brand: string = 'maxllm.cache.CacheKeyError';

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
export class InvalidCacheEntryError extends CacheError {
  static override readonly brand: string = 'maxllm.cache.InvalidCacheEntryError';
}

/** An option the cache does not know, such as a duration under its old name without a unit (`olderThan`). */
export class InvalidCacheOptionError extends CacheError {
  static override readonly brand: string = 'maxllm.cache.InvalidCacheOptionError';
}

/** A namespace is empty or contains a NUL character (NUL separates namespace and key on disk). */
export class InvalidNamespaceError extends CacheError {
  static override readonly brand: string = 'maxllm.cache.InvalidNamespaceError';
}
