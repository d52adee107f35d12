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
