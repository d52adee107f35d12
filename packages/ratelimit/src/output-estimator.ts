/** Options of {@link createOutputEstimator}. */
export interface OutputEstimatorOptions {
  /** Estimate for a key with no samples yet. @default 500 @unit tokens */
  defaultTokens?: number;
  /** Number of recent samples kept per key. @default 30 */
  windowSize?: number;
  /**
   * Which quantile of the recent samples to reserve: 1 is the largest recent output, 0.5 the median. The largest is
   * the default because a window filled to the limit on a lower estimate is overshot by every longer output (a 429
   * at the provider), while an over-reservation is refunded on settle.
   * @default 1
   */
  quantile?: number;
}

/** Learns how many output tokens each key (usually a model) produces. */
export interface OutputEstimator {
  /** Output tokens to reserve: the quantile of recent samples (or the default), never more than `maxTokens`. @unit tokens */
  estimate(key: string, maxTokens?: number): number;
  /** Records the output tokens a settled request actually used. Negative or non-finite values are ignored. */
  learn(key: string, tokens: number): void;
}

interface Samples {
  values: number[];
  next: number;
}

/** Creates an adaptive output-token estimator (a quantile of the recent outputs per key). */
export function createOutputEstimator(options: OutputEstimatorOptions = {}): OutputEstimator {
  const defaultTokens = options.defaultTokens ?? 500;
  const windowSize = Math.max(1, Math.floor(options.windowSize ?? 30));
  const quantile = Math.min(1, Math.max(0, options.quantile ?? 1));
  const byKey = new Map<string, Samples>();
  return {
    estimate(key, maxTokens) {
      const samples = byKey.get(key);
      const value = samples ? quantileOf(samples.values, quantile) : defaultTokens;
      return maxTokens !== undefined && maxTokens >= 0 ? Math.min(maxTokens, value) : value;
    },
    learn(key, tokens) {
      if (!Number.isFinite(tokens) || tokens < 0) return;
      let samples = byKey.get(key);
      if (!samples) byKey.set(key, (samples = { values: [], next: 0 }));
      if (samples.values.length < windowSize) samples.values.push(tokens);
      else {
        samples.values[samples.next] = tokens;
        samples.next = (samples.next + 1) % windowSize;
      }
    },
  };
}

/** The `q` quantile (nearest rank) of a small sample. */
function quantileOf(values: readonly number[], q: number): number {
  if (q >= 1) return Math.max(...values);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
