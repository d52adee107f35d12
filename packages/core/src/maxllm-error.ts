/** Symbols of the brands set on an instance, per class, computed once. */
const brandsOf = new WeakMap<object, readonly symbol[]>();

function brands(target: object): readonly symbol[] {
  let found = brandsOf.get(target);
  if (found === undefined) {
    const symbols: symbol[] = [];
    for (let Class: unknown = target; typeof Class === 'function'; Class = Object.getPrototypeOf(Class)) {
      if (Object.hasOwn(Class, 'brand')) symbols.push(Symbol.for((Class as typeof MaxllmError).brand));
      if (Class === MaxllmError) break;
    }
    found = symbols;
    brandsOf.set(target, found);
  }
  return found;
}

/**
 * Base class of every error a MaxLLM package throws. Each class declares its own `static brand` (a global,
 * versioned-by-name string such as `'maxllm.cache.CacheKeyError'`), and every instance carries the
 * `Symbol.for(brand)` of its class and of each ancestor. So {@link MaxllmError.isInstance} is exact across
 * duplicated installs (two copies of a package in one `node_modules`), where `instanceof` is not:
 * `CacheError.isInstance(e)` is true for a `CacheKeyError`, false for a `ConfigError`.
 *
 * A subclass without its own `brand` would share its parent's, and its `isInstance` would answer for the parent:
 * every exported class declares one (a repository test checks this).
 */
export class MaxllmError extends Error {
  /** The string behind this class's brand symbol, unique among MaxLLM error classes. */
  static readonly brand: string = 'maxllm.error';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    for (const symbol of brands(new.target)) {
      Object.defineProperty(this, symbol, { value: true });
    }
  }

  /**
   * True when `value` is an error of this class or of a subclass, from any copy of the package:
   * `MaxllmError.isInstance(e)` for any MaxLLM error, `ConfigError.isInstance(e)` for any config error,
   * `ModelNotFoundError.isInstance(e)` for that one class only.
   */
  static isInstance<T extends abstract new (...args: never[]) => MaxllmError>(
    this: T,
    value: unknown,
  ): value is InstanceType<T> {
    const brand = (this as unknown as typeof MaxllmError).brand;
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[Symbol.for(brand)] === true
    );
  }
}
