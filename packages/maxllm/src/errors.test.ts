import { describe, expect, it } from 'vitest';
import * as maxllm from './index';
import * as testing from './testing';

/** Every error class the umbrella exports, from both entries (each package's base and its subclasses, plus `MaxllmError`). */
const errorClasses = Object.entries({ ...maxllm, ...testing }).filter(
  (entry): entry is [string, typeof maxllm.MaxllmError] =>
    typeof entry[1] === 'function' &&
    (entry[1] === maxllm.MaxllmError || entry[1].prototype instanceof maxllm.MaxllmError),
);

describe('error classes', () => {
  it('are all found (the list below is not empty by accident)', () => {
    expect(errorClasses.length).toBeGreaterThan(30);
  });

  it.each(errorClasses)('%s declares its own brand, used by no other class', (name, Class) => {
    expect(Object.hasOwn(Class, 'brand'), `${name} has no static brand of its own`).toBe(true);
    const sharing = errorClasses.filter(([, Other]) => Other !== Class && Other.brand === Class.brand);
    expect(sharing.map(([other]) => other)).toEqual([]);
  });

  it('isInstance is false for a class of another package and for a sibling class', () => {
    const notFound = new maxllm.ConfigNotFoundError('/nowhere/maxllm.yaml', 'MAXLLM_CONFIG_PATH');
    expect(maxllm.CacheError.isInstance(notFound)).toBe(false);
    expect(maxllm.ModelNotFoundError.isInstance(notFound)).toBe(false);
    expect(maxllm.ConfigNotFoundError.isInstance(notFound)).toBe(true);
    expect(maxllm.ConfigError.isInstance(notFound)).toBe(true);
    expect(maxllm.MaxllmError.isInstance(notFound)).toBe(true);
    const stopped = new maxllm.QuotaExceededError('quota');
    expect(maxllm.CompletionError.isInstance(stopped)).toBe(true);
    expect(maxllm.InvalidOutputError.isInstance(stopped)).toBe(false);
    expect(maxllm.InvalidClientRequestError.isInstance(stopped)).toBe(false);
    expect(maxllm.RateLimiterError.isInstance(stopped)).toBe(false);
  });

  it.each(errorClasses)(
    '%s.isInstance is false for an instance of every class outside its own subtree',
    (name, Class) => {
      for (const [otherName, Other] of errorClasses) {
        const related = Other === Class || Other.prototype instanceof Class;
        // An instance of `Other` without running its constructor (constructors take different arguments).
        const instance = Reflect.construct(maxllm.MaxllmError, ['x'], Other) as unknown;
        expect(Class.isInstance(instance), `${name}.isInstance(new ${otherName})`).toBe(related);
      }
    },
  );
});
