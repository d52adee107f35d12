import { describe, expect, it } from 'vitest';
import { CompactStringSet } from './compact-string-set';

describe('CompactStringSet', () => {
  it('agrees with a Set through its growth: duplicates, near misses, non-ASCII, empty and long strings', () => {
    const set = new CompactStringSet();
    const model = new Set<string>();
    const values = ['', 'a', 'é', '日本語', '😀x', `long-${'z'.repeat(100_000)}`];
    for (let index = 0; index < 50_000; index++) {
      values.push(`maxllm-batch:nightly.1a2b3c4d:${index * 7}`);
      if (index === 20_000) values.push(`bigger than a chunk ${'y'.repeat(2 * 1024 * 1024)}`, '');
    }
    values.push(`last and bigger than a chunk ${'w'.repeat(1024 * 1024)}`);
    for (const value of [...values, ...values.slice(0, 1000)]) {
      set.add(value);
      model.add(value);
    }
    expect(set.size).toBe(model.size);
    const missing: string[] = [];
    for (const value of model) if (!set.has(value)) missing.push(value);
    expect(missing).toEqual([]);
    for (const near of [
      'b',
      'e',
      '日本',
      '😀',
      'maxllm-batch:nightly.1a2b3c4d:1',
      'maxllm-batch:nightly.1a2b3c4d:7 ',
    ]) {
      expect(set.has(near)).toBe(false);
    }
  });
});
