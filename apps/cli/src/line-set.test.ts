import { describe, expect, it } from 'vitest';
import { LineSet } from './line-set';

describe('LineSet', () => {
  it('holds exactly the indexes added, across growth, and counts each once', () => {
    const set = new LineSet();
    const added = [0, 7, 8, 9, 8191, 8192, 1_000_003, 2 ** 27 - 1, 2 ** 27, 2 ** 40];
    for (const index of [...added, 9, 2 ** 27]) set.add(index);
    expect(set.size).toBe(added.length);
    for (const index of added) expect(set.has(index)).toBe(true);
    for (const index of [1, 6, 10, 8190, 8193, 1_000_002, 1_000_004, 2 ** 27 + 1, 5_000_000]) {
      expect(set.has(index)).toBe(false);
    }
  });

  it('ignores what is not a line index', () => {
    const set = new LineSet();
    for (const index of [-1, 1.5, Number.NaN, Infinity, 2 ** 53]) set.add(index);
    expect(set.size).toBe(0);
    expect(set.has(-1)).toBe(false);
    expect(set.has(1.5)).toBe(false);
  });
});
