import { describe, expect, it } from 'vitest';
import { createOutputEstimator } from './output-estimator.js';

describe('createOutputEstimator', () => {
  it('starts at min(maxTokens, default)', () => {
    const estimator = createOutputEstimator({ defaultTokens: 400 });
    expect(estimator.estimate('gpt-4o')).toBe(400);
    expect(estimator.estimate('gpt-4o', 100)).toBe(100);
    expect(estimator.estimate('gpt-4o', 1000)).toBe(400);
  });

  it('learns a moving average per key and never exceeds maxTokens', () => {
    const estimator = createOutputEstimator({ defaultTokens: 500, windowSize: 3 });
    for (const tokens of [100, 200, 300]) estimator.learn('a', tokens);
    expect(estimator.estimate('a')).toBe(200);
    expect(estimator.estimate('b')).toBe(500);
    estimator.learn('a', 1000);
    expect(estimator.estimate('a')).toBe(500);
    expect(estimator.estimate('a', 250)).toBe(250);
    estimator.learn('a', -5);
    estimator.learn('a', Number.NaN);
    expect(estimator.estimate('a')).toBe(500);
  });
});
