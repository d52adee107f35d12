import { describe, expect, test } from 'vitest';
import { findBestMatch, matchScore } from './index';

describe('matchScore (len(pattern) - 2 * stars, -999 when no full match)', () => {
  test.each([
    ['*', 'gpt-4o', -1],
    ['gpt-4o-mini', 'gpt-4o-mini', 11],
    ['gpt-5*', 'gpt-5-mini', 4],
    ['gpt-5*', 'gpt-5', 4],
    ['glm-*', 'glm-4.6', 3],
    ['*/*', 'a/b', -1],
    ['gpt-5*', 'xgpt-5', -999],
    ['gpt-4o', 'gpt-4o-mini', -999],
    ['GPT-4o', 'gpt-4o', -999],
    ['gpt-4.1', 'gpt-4x1', -999],
    ['a+b(c)', 'a+b(c)', 6],
  ])('%s vs %s → %d', (pattern, target, score) => {
    expect(matchScore(pattern, target)).toBe(score);
  });
});

describe('findBestMatch', () => {
  const patternOf = (item: { name?: string }) => item.name;

  test('the longest literal wins over shorter wildcards and "*"', () => {
    const items = [{ name: '*' }, { name: 'gpt-*' }, { name: 'gpt-4o*' }, { name: 'gpt-4o-mini' }];
    expect(findBestMatch(items, 'gpt-4o-mini', patternOf)?.index).toBe(3);
    expect(findBestMatch(items, 'gpt-4o-2024', patternOf)?.index).toBe(2);
    expect(findBestMatch(items, 'gpt-3.5', patternOf)?.index).toBe(1);
    expect(findBestMatch(items, 'claude', patternOf)?.index).toBe(0);
  });

  test('ties go to the first item in list order', () => {
    const items = [{ name: 'gpt-*' }, { name: '*-4o' }, { name: 'gpt-*' }];
    expect(findBestMatch(items, 'gpt-4o', patternOf)?.index).toBe(0);
  });

  test('items without a pattern are skipped; no match gives undefined', () => {
    const items = [{}, { name: 'a*' }];
    expect(findBestMatch(items, 'abc', patternOf)?.index).toBe(1);
    expect(findBestMatch(items, 'xyz', patternOf)).toBeUndefined();
  });
});
