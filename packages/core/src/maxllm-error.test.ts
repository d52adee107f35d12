import { describe, expect, it } from 'vitest';
import { MaxllmError } from './maxllm-error';

class PackageError extends MaxllmError {
  static override readonly brand: string = 'maxllm.test.PackageError';
}
class FirstError extends PackageError {
  static override readonly brand: string = 'maxllm.test.FirstError';
}
class SecondError extends PackageError {
  static override readonly brand: string = 'maxllm.test.SecondError';
}
class OtherPackageError extends MaxllmError {
  static override readonly brand: string = 'maxllm.test.OtherPackageError';
}

describe('MaxllmError.isInstance', () => {
  it('is true for the class and its subclasses', () => {
    expect(FirstError.isInstance(new FirstError('x'))).toBe(true);
    expect(PackageError.isInstance(new FirstError('x'))).toBe(true);
    expect(MaxllmError.isInstance(new FirstError('x'))).toBe(true);
  });

  it('is false for a sibling class, a parent, another package and non-errors', () => {
    expect(FirstError.isInstance(new SecondError('x'))).toBe(false);
    expect(FirstError.isInstance(new PackageError('x'))).toBe(false);
    expect(PackageError.isInstance(new OtherPackageError('x'))).toBe(false);
    expect(MaxllmError.isInstance(new Error('x'))).toBe(false);
    expect(MaxllmError.isInstance(undefined)).toBe(false);
    expect(MaxllmError.isInstance('maxllm.error')).toBe(false);
  });

  it('recognises an instance of a duplicated copy of the class (same brand, different constructor)', () => {
    class CopyOfFirstError extends MaxllmError {
      static override readonly brand: string = 'maxllm.test.FirstError';
    }
    const copy = new CopyOfFirstError('from another install');
    expect(copy instanceof FirstError).toBe(false);
    expect(FirstError.isInstance(copy)).toBe(true);
    expect(SecondError.isInstance(copy)).toBe(false);
  });

  it('narrows to the class it is called on', () => {
    const value: unknown = new FirstError('x');
    if (FirstError.isInstance(value)) {
      const narrowed: FirstError = value;
      expect(narrowed).toBe(value);
    }
  });

  it('names the error after its class, keeps the cause and hides the brands from enumeration', () => {
    const cause = new Error('root');
    const error = new SecondError('boom', { cause });
    expect(error.name).toBe('SecondError');
    expect(error.cause).toBe(cause);
    const symbols = Object.getOwnPropertySymbols(error);
    expect(symbols.map(String).sort()).toEqual(
      ['maxllm.error', 'maxllm.test.PackageError', 'maxllm.test.SecondError']
        .map((key) => `Symbol(${key})`)
        .sort(),
    );
    expect(symbols.some((symbol) => Object.prototype.propertyIsEnumerable.call(error, symbol))).toBe(false);
  });
});
