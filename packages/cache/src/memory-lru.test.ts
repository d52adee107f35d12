import { describe, expect, it } from 'vitest';
import { MemoryLru } from './memory-lru';

const item = (text: string) => ({ text, expiresAt: undefined });

describe('MemoryLru', () => {
  it('evicts the least recently used entry beyond maxEntries', () => {
    const lru = new MemoryLru(2, 1000);
    lru.set('a', item('1'));
    lru.set('b', item('2'));
    expect(lru.get('a')?.text).toBe('1');
    lru.set('c', item('3'));
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')?.text).toBe('1');
    expect(lru.get('c')?.text).toBe('3');
  });

  it('evicts by total text length and never keeps an item larger than the budget', () => {
    const lru = new MemoryLru(100, 10);
    lru.set('a', item('aaaa'));
    lru.set('b', item('bbbb'));
    lru.set('c', item('cccc'));
    expect(lru.get('a')).toBeUndefined();
    expect(lru.get('b')).toBeDefined();
    lru.set('huge', item('x'.repeat(11)));
    expect(lru.get('huge')).toBeUndefined();
    expect(lru.get('c')).toBeDefined();
  });

  it('replacing a key frees its old length', () => {
    const lru = new MemoryLru(100, 10);
    lru.set('a', item('aaaaaaaa'));
    lru.set('a', item('a'));
    lru.set('b', item('bbbbbbbb'));
    expect(lru.get('a')?.text).toBe('a');
    expect(lru.get('b')).toBeDefined();
  });

  it('holds the newest maxEntries, and their lengths, through a pass over many more entries', () => {
    const lru = new MemoryLru(3, 40);
    for (let index = 0; index < 50; index++) lru.set(`k${index}`, item(`v${index}`.padEnd(index % 7, '.')));
    for (let index = 0; index < 47; index++) expect(lru.get(`k${index}`)).toBeUndefined();
    expect(lru.get('k47')?.text).toBe('v47'.padEnd(47 % 7, '.'));
    expect(lru.get('k48')?.text).toBe('v48'.padEnd(48 % 7, '.'));
    expect(lru.get('k49')?.text).toBe('v49'.padEnd(49 % 7, '.'));
    // The length bound still adds up after the evicted entries' slots were reused: 40 characters fit, not 41.
    lru.set('a', item('a'.repeat(20)));
    lru.set('b', item('b'.repeat(20)));
    expect(lru.get('a')?.text).toHaveLength(20);
    expect(lru.get('b')?.text).toHaveLength(20);
    lru.set('c', item('c'));
    expect(lru.get('a')).toBeUndefined();
    expect(lru.get('b')).toBeDefined();
    expect(lru.get('c')).toBeDefined();
  });

  it('stores nothing when maxEntries is 0', () => {
    const lru = new MemoryLru(0, 1000);
    lru.set('a', item('1'));
    expect(lru.get('a')).toBeUndefined();
  });

  it('deletes by predicate and clears', () => {
    const lru = new MemoryLru(10, 1000);
    lru.set('x\u0000a', item('1'));
    lru.set('y\u0000a', item('2'));
    lru.deleteWhere((key) => key.startsWith('x\u0000'));
    expect(lru.get('x\u0000a')).toBeUndefined();
    expect(lru.get('y\u0000a')).toBeDefined();
    lru.clear();
    expect(lru.get('y\u0000a')).toBeUndefined();
  });
});
