import { describe, expect, it } from 'vitest';
import { cachePolicy, recacheFromEnv } from './cache-policy';

describe('cachePolicy', () => {
  it.each([
    [{}, { read: true, write: true }],
    [
      { force: false, recache: false },
      { read: true, write: true },
    ],
    [{ force: true }, { read: false, write: false }],
    [{ recache: true }, { read: false, write: true }],
    [
      { force: true, recache: true },
      { read: false, write: false },
    ],
  ])('%j → %j', (options, expected) => {
    expect(cachePolicy(options)).toEqual(expected);
  });

  it('defaults to read and write without options', () => {
    expect(cachePolicy()).toEqual({ read: true, write: true });
  });
});

describe('recacheFromEnv', () => {
  it.each([
    ['1', true],
    ['true', true],
    ['True', true],
    ['0', false],
    ['false', false],
    ['TRUE', false],
    ['yes', false],
    ['', false],
    [undefined, false],
  ])('RECACHE_FLAG=%j → %j', (value, expected) => {
    expect(recacheFromEnv({ RECACHE_FLAG: value })).toBe(expected);
  });
});
