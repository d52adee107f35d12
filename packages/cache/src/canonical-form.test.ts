import { describe, expect, it } from 'vitest';
import { cacheKey } from './cache-key';
import { canonicalForm, NOT_PLAIN } from './canonical-form';
import { canonicalJson, writeCanonicalJson } from './canonical-json';

/** A small deterministic generator (mulberry32), so a failure names a reproducible seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const names = [
  'model',
  'messages',
  'role',
  'content',
  'b',
  'a',
  'A',
  'é',
  'z\u0000',
  '',
  'Z',
  'aa',
  'ab',
  '1',
  '10',
  '2',
  '-1',
  '__proto__',
  'toJSON',
  'k"\n',
  '😀',
  '\uffff',
  'type',
];
const strings = ['', 'hello', 'é\u0000\u2028"\\', '\ud800', 'line\nbreak', '😀', '0'];
const numbers = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789.125, Number.MAX_SAFE_INTEGER, 5e-324];

function value(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 4 ? 5 : 9));
  switch (pick) {
    case 0:
      return strings[Math.floor(next() * strings.length)];
    case 1:
      return numbers[Math.floor(next() * numbers.length)];
    case 2:
      return next() < 0.5;
    case 3:
      return null;
    case 4:
      return undefined;
    case 5:
    case 6: {
      const record: Record<string, unknown> =
        next() < 0.1 ? (Object.create(null) as Record<string, unknown>) : {};
      const size = Math.floor(next() * 6);
      for (let index = 0; index < size; index++) {
        const name = names[Math.floor(next() * names.length)]!;
        Object.defineProperty(record, name, {
          value: name === 'toJSON' && next() < 0.5 ? () => 'replaced' : value(next, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return record;
    }
    case 7:
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default:
      return next() < 0.5 ? new Date(Math.floor(next() * 1e12)) : [value(next, depth + 1)];
  }
}

describe('canonicalJson: the fast path equals the generic writer', () => {
  it('on 20,000 random values (key orders, digit keys, __proto__, toJSON, null prototypes, dates)', () => {
    for (let seed = 1; seed <= 20_000; seed++) {
      const input = value(random(seed), 0);
      let generic: string | Error;
      try {
        generic = writeCanonicalJson(input);
      } catch (error) {
        generic = error as Error;
      }
      if (generic instanceof Error)
        expect(() => canonicalJson(input), `seed ${seed}`).toThrow(generic.message);
      else expect(canonicalJson(input), `seed ${seed}`).toBe(generic);
    }
  });

  it('on request key inputs as @maxllm/request builds them', () => {
    const inputs: unknown[] = [
      {
        v: 1,
        endpoint: '/v1/chat/completions',
        base: null,
        body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
      },
      {
        v: 1,
        endpoint: '/v1/chat/completions',
        base: 'https://api.openai.com/v1',
        body: {
          model: 'gpt-4o',
          messages: [
            { role: 'system', content: 'Be brief.' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'describe' },
                { type: 'image_url', image_url: { url: 'data:,' } },
              ],
            },
          ],
          temperature: 0,
          max_completion_tokens: 100,
          tools: [
            {
              type: 'function',
              function: {
                name: 'f',
                parameters: {
                  type: 'object',
                  properties: { b: { type: 'string' }, a: { type: 'integer' } },
                  required: ['b', 'a'],
                },
              },
            },
          ],
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'x',
              strict: true,
              schema: { type: 'object', properties: { 2: {}, 10: {} } },
            },
          },
        },
        flag: 'run-2',
      },
      {
        v: 1,
        endpoint: '/v1/embeddings',
        base: null,
        body: { model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 256 },
      },
      {
        v: 1,
        endpoint: '/v1/responses',
        base: null,
        body: { model: 'gpt-5', input: [{ role: 'user', content: 'x' }], reasoning: { effort: 'low' } },
        flag: { run: 3, at: new Date(0) },
      },
    ];
    const many = (size: number) =>
      Object.fromEntries(
        Array.from({ length: size }, (_, index) => [`p${(index * 7919) % size}_${size}`, index]),
      );
    inputs.push(many(16), many(17), many(40), { body: many(30), z: [many(5)] });
    for (const input of inputs) expect(canonicalJson(input)).toBe(writeCanonicalJson(input));
  });

  it('keeps the keys of existing caches (v1 keys computed before the fast path)', () => {
    expect(
      cacheKey({
        v: 1,
        endpoint: '/v1/chat/completions',
        base: 'http://127.0.0.1:9/v1',
        body: {
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Line 0: name one colour and one animal.' }],
        },
      }),
    ).toBe('v1-07c4fdac06d6f95887918188d5fdd920f5f95b09006c666ba5659ff6e490f8ef');
  });

  it('leaves to the generic writer what it cannot write by JSON.stringify', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const input of [
      { f: () => 1 },
      { n: 1n },
      { t: Number.NaN },
      new Map(),
      { at: new Date(0) },
      { 1: 'a', 10: 'b', 2: 'c' },
      JSON.parse('{"__proto__": 1}') as unknown,
      cyclic,
    ]) {
      expect(canonicalForm(input)).toBe(NOT_PLAIN);
    }
    let deep: unknown = 'bottom';
    for (let level = 0; level < 70; level++) deep = level % 2 === 0 ? { b: deep, a: level } : [deep];
    expect(canonicalForm(deep)).toBe(NOT_PLAIN);
    expect(canonicalJson(deep)).toBe(writeCanonicalJson(deep));
    expect(canonicalJson({ 10: 'b', 2: 'c', a: 1 })).toBe('{"10":"b","2":"c","a":1}');
    expect(canonicalJson(JSON.parse('{"b": 1, "__proto__": 2}'))).toBe('{"__proto__":2,"b":1}');
  });

  it('copies only what it must, and never changes its input', () => {
    const sorted = { a: [1, { b: 2, c: 3 }], d: 'x' };
    expect(canonicalForm(sorted)).toBe(sorted);
    const input = { d: 'x', a: [1, { c: 3, b: 2 }] };
    const form = canonicalForm(input) as typeof input;
    expect(Object.keys(form)).toEqual(['a', 'd']);
    expect(Object.keys(form.a[1]!)).toEqual(['b', 'c']);
    expect(Object.keys(input)).toEqual(['d', 'a']);
    expect(Object.keys(input.a[1]!)).toEqual(['c', 'b']);
  });
});
