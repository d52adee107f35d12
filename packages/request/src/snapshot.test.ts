import { describe, expect, it } from 'vitest';
import { snapshot } from './snapshot';

describe('snapshot', () => {
  it('deep-copies plain request data: later changes to the original do not reach the copy', () => {
    const original = {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      temperature: 0,
      stop: undefined,
      nested: Object.assign(Object.create(null) as object, { a: 1 }),
    };
    const copy = snapshot(original);
    original.messages[0]!.content[0]!.text = 'changed';
    original.messages.push({ role: 'user', content: [] });
    expect(copy).toEqual({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      temperature: 0,
      stop: undefined,
      nested: { a: 1 },
    });
    expect('stop' in copy).toBe(true);
  });

  it('copies what is not plain data as structuredClone does (dates, cycles, deep nesting)', () => {
    const when = new Date(0);
    expect(snapshot({ when }).when).toEqual(when);
    expect(snapshot({ when }).when).not.toBe(when);
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    const copied = snapshot(cycle);
    expect(copied.self).toBe(copied);
    let deep: unknown = 'bottom';
    for (let level = 0; level < 100; level++) deep = [deep];
    expect(JSON.stringify(snapshot(deep))).toBe(JSON.stringify(deep));
  });

  it('drops functions and symbols as JSON does, and keeps an own "__proto__" key as data', () => {
    expect(snapshot({ a: 1, f: () => 1, s: Symbol('x') })).toEqual({ a: 1 });
    const withProto = JSON.parse('{"__proto__": {"polluted": true}, "b": 2}') as Record<string, unknown>;
    const copy = snapshot(withProto);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'b']);
  });
});
