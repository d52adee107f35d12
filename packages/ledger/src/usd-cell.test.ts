import { describe, expect, it } from 'vitest';
import { usd } from './usd-cell';

describe('usd', () => {
  it('writes what toFixed(9) without trailing zeros wrote', () => {
    const values = [
      0, -0, 1, 10, 100, 0.1, 0.5, 1.5e-9, 5e-10, 4.9e-10, 1e-10, 0.0057, 0.00285, 123.456, 1e20, 1e21,
    ];
    for (let index = 0; index < 2000; index++)
      values.push(Math.random() * 10 ** (Math.floor(index / 100) - 12));
    for (const value of values) expect(usd(value)).toBe(value.toFixed(9).replace(/\.?0+$/, ''));
  });

  it('leaves unknown amounts empty', () => {
    expect(usd(undefined)).toBe('');
    expect(usd(Number.NaN)).toBe('');
    expect(usd(Number.POSITIVE_INFINITY)).toBe('');
  });

  it('drops the point with the zeros', () => {
    expect(usd(0)).toBe('0');
    expect(usd(100)).toBe('100');
    expect(usd(0.0057)).toBe('0.0057');
  });
});
