import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration';
import { UsageError } from './errors';

describe('parseDuration', () => {
  it('reads single and compound units', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('1d12h')).toBe(36 * 3_600_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
  });

  it('rejects text that is not a duration, naming the option', () => {
    expect(() => parseDuration('7 days', '--since')).toThrow(UsageError);
    expect(() => parseDuration('', '--since')).toThrow(/--since: "" is not a duration/);
    expect(() => parseDuration('12', '--since')).toThrow(/not a duration/);
  });
});
