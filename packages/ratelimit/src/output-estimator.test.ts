import { describe, expect, it } from 'vitest';
import { createOutputEstimator } from './output-estimator';

describe('createOutputEstimator', () => {
  it('starts at min(maxTokens, default)', () => {
    const estimator = createOutputEstimator({ defaultTokens: 400 });
    expect(estimator.estimate('gpt-4o')).toBe(400);
    expect(estimator.estimate('gpt-4o', 100)).toBe(100);
    expect(estimator.estimate('gpt-4o', 1000)).toBe(400);
  });

  it('reserves the largest recent output per key by default, never more than maxTokens', () => {
    // Reserving the mean lets every output above the mean overshoot a window filled to the limit (429s at the
    // provider); the largest recent output is refunded down to the real usage on settle.
    const estimator = createOutputEstimator({ defaultTokens: 500, windowSize: 3 });
    for (const tokens of [100, 300, 200]) estimator.learn('a', tokens);
    expect(estimator.estimate('a')).toBe(300);
    expect(estimator.estimate('b')).toBe(500);
    estimator.learn('a', 50);
    estimator.learn('a', 60);
    expect(estimator.estimate('a')).toBe(200); // 300 left the window of 3
    expect(estimator.estimate('a', 150)).toBe(150);
    estimator.learn('a', -5);
    estimator.learn('a', Number.NaN);
    expect(estimator.estimate('a')).toBe(200);
  });

  it('takes another quantile of the window when asked (0.5 = the median)', () => {
    const estimator = createOutputEstimator({ windowSize: 5, quantile: 0.5 });
    for (const tokens of [10, 50, 20, 40, 100]) estimator.learn('a', tokens);
    expect(estimator.estimate('a')).toBe(40); // the mean would be 44
  });
});
