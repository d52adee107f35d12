import { describe, expect, it } from 'vitest';
import { copyJson, freezeDeep } from './frozen-json';

const text = '{"a":[1,{"b":"x","__proto__":{"polluted":true}}],"c":null,"2":"two","d":{"e":[[]]}}';

describe('freezeDeep / copyJson', () => {
  it('freezes every object and array of parsed JSON', () => {
    const value = freezeDeep(JSON.parse(text) as { a: [number, { b: string }]; d: { e: unknown[][] } });
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.a)).toBe(true);
    expect(Object.isFrozen(value.a[1])).toBe(true);
    expect(Object.isFrozen(value.d.e[0])).toBe(true);
  });

  it('copies to what JSON.parse of the text gives: same keys in the same order, __proto__ as an own key, mutable', () => {
    const copy = copyJson(freezeDeep(JSON.parse(text) as object)) as { a: [number, { b: string }] };
    expect(JSON.stringify(copy)).toBe(JSON.stringify(JSON.parse(text)));
    expect(Object.getPrototypeOf(copy.a[1])).toBe(Object.prototype);
    expect(Object.keys(copy.a[1])).toEqual(['b', '__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    copy.a[1].b = 'changed';
    expect(Object.isFrozen(copy) || Object.isFrozen(copy.a)).toBe(false);
  });
});
