import { describe, expect, it } from 'vitest';
import { CACHE_KEY_VERSION, cacheKey } from './cache-key';
import { canonicalJson } from './canonical-json';
import { CacheError, CacheKeyError } from './errors';

describe('canonicalJson', () => {
  it('sorts object keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it('drops undefined properties and writes undefined array items as null, like JSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('honours toJSON (a Date becomes its ISO string)', () => {
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it('escapes strings and keys exactly as JSON.stringify does', () => {
    const value = { 'k"\n': 'é\u0000\u2028"\\' };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });

  it.each([
    ['a function', { a: () => 1 }, '$.a'],
    ['a symbol', [Symbol('s')], '$[0]'],
    ['a bigint', { n: 1n }, '$.n'],
    ['NaN', { t: Number.NaN }, '$.t'],
    ['Infinity', { t: [1, Infinity] }, '$.t[1]'],
    ['a Map', { m: new Map([[1, 2]]) }, '$.m'],
    ['a Set', { s: new Set([1]) }, '$.s'],
    ['a class instance', { c: new (class Thing {})() }, '$.c'],
  ])('refuses %s instead of losing it, naming the path', (_name, value, path) => {
    let caught: unknown;
    try {
      canonicalJson(value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CacheKeyError);
    expect((caught as CacheKeyError).path).toBe(path);
    expect(CacheError.isInstance(caught)).toBe(true);
    expect((caught as Error).name).toBe('CacheKeyError');
  });

  it('refuses a cycle but accepts the same object twice side by side', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle at \$\.self/);
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as object, { b: 2, a: 1 });
    expect(canonicalJson(bare)).toBe('{"a":1,"b":2}');
  });
});

describe('cacheKey', () => {
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
  ];
  const input = {
    v: 1,
    endpoint: '/v1/chat/completions',
    body: { model: 'gpt-4o-mini', messages, temperature: 0 },
  };

  it('is the versioned hex SHA-256 of the canonical JSON', () => {
    expect(cacheKey(input)).toMatch(new RegExp(`^v${CACHE_KEY_VERSION}-[0-9a-f]{64}$`));
  });

  it('is stable across key order and object identity', () => {
    const reordered = {
      body: {
        temperature: 0,
        messages: structuredClone(messages).map((m) => ({ content: m.content, role: m.role })),
        model: 'gpt-4o-mini',
      },
      endpoint: '/v1/chat/completions',
      v: 1,
    };
    expect(cacheKey(reordered)).toBe(cacheKey(input));
  });

  it('ignores undefined properties', () => {
    expect(cacheKey({ ...input, flag: undefined })).toBe(cacheKey(input));
  });

  it('changes with any answer-changing input: a flag, a parameter, a message', () => {
    const base = cacheKey(input);
    expect(cacheKey({ ...input, flag: 1 })).not.toBe(base);
    expect(cacheKey({ ...input, flag: true })).not.toBe(cacheKey({ ...input, flag: 1 }));
    expect(cacheKey({ ...input, flag: '1' })).not.toBe(cacheKey({ ...input, flag: 1 }));
    expect(cacheKey({ ...input, body: { ...input.body, temperature: 0.5 } })).not.toBe(base);
    expect(cacheKey({ ...input, body: { ...input.body, messages: messages.slice(1) } })).not.toBe(base);
  });

  it('distinguishes values that plain JSON would conflate with null or {}', () => {
    expect(cacheKey({ a: null })).not.toBe(cacheKey({ a: 'null' }));
    expect(() => cacheKey({ a: Number.NaN })).toThrow(CacheKeyError);
  });

  it('does not follow later mutation of the input', () => {
    const mutable = structuredClone(input);
    const before = cacheKey(mutable);
    mutable.body.messages[0]!.content = 'changed';
    expect(cacheKey(mutable)).not.toBe(before);
    expect(cacheKey(input)).toBe(before);
  });
});
