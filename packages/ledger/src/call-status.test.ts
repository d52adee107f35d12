import { describe, expect, it } from 'vitest';
import { emptyModelCallStatus, type CallStatus } from './call-status';
import { diffCallStatus } from './diff-call-status';
import { formatCallStatus } from './format-call-status';

function status(overrides: Partial<ReturnType<typeof emptyModelCallStatus>>) {
  return { ...emptyModelCallStatus(), ...overrides };
}

describe('diffCallStatus', () => {
  it('subtracts before from after per model, counting a new model from zero, and recomputes the hit rate', () => {
    const before: CallStatus = {
      a: status({ totalCalls: 10, cacheHits: 9, cacheMisses: 1, costUsd: 1, hitRate: 0.9 }),
    };
    const after: CallStatus = {
      a: status({ totalCalls: 14, cacheHits: 9, cacheMisses: 5, costUsd: 1.5, hitRate: 9 / 14 }),
      b: status({ totalCalls: 2, cacheHits: 1, cacheMisses: 1, savedUsd: 0.25, hitRate: 0.5 }),
    };
    const diff = diffCallStatus(after, before);
    expect(Object.keys(diff)).toEqual(['a', 'b']);
    expect(diff.a).toMatchObject({ totalCalls: 4, cacheHits: 0, cacheMisses: 4, costUsd: 0.5, hitRate: 0 });
    expect(diff.b).toMatchObject({ totalCalls: 2, savedUsd: 0.25, hitRate: 0.5 });
  });

  it('ignores models that exist only in before', () => {
    expect(diffCallStatus({}, { gone: status({ totalCalls: 3 }) })).toEqual({});
  });
});

describe('formatCallStatus', () => {
  it('prints one aligned line per model with totals, hit rate and costs', () => {
    const text = formatCallStatus({
      'gpt-5-mini': status({
        totalCalls: 3,
        cacheHits: 1,
        cacheMisses: 2,
        hitInputTokens: 10,
        missInputTokens: 20,
        costUsd: 0.0123,
        savedUsd: 0.004,
        hitRate: 1 / 3,
      }),
      local: status({ totalCalls: 1, errors: 1, unpricedCalls: 1 }),
    });
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^model\s+calls\s+hits\s+misses\s+errors\s+hit %/);
    expect(lines[1]).toMatch(/^gpt-5-mini\s+3\s+1\s+2\s+0\s+33\.3\s+30\s+0\s+0\s+0\s+0\.0123\s+0\.0040$/);
    expect(lines[2]).toMatch(/^local\s+1\s+0\s+0\s+1\s+0\.0\s.*0\.0000\+\?\s+0\.0000$/);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });

  it('says so when nothing was recorded', () => {
    expect(formatCallStatus({})).toBe('No calls recorded.');
  });
});
