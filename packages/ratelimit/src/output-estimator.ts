/** Options of {@link createOutputEstimator}. */
export interface OutputEstimatorOptions {
  /** Estimate for a key with no samples yet. @default 500 @unit tokens */
  defaultTokens?: number;
  /** Number of recent samples the moving average covers, per key. @default 30 */
  windowSize?: number;
}

/** Learns how many output tokens each key (usually a model) produces. */
export interface OutputEstimator {
  /** Expected output tokens: the moving average (or the default), never more than `maxTokens` when given. @unit tokens */
  estimate(key: string, maxTokens?: number): number;
  /** Records the output tokens a settled request actually used. Negative or non-finite values are ignored. */
  learn(key: string, tokens: number): void;
}

interface Samples {
  values: number[];
  next: number;
  sum: number;
}

/** Creates an adaptive output-token estimator (a moving average per key). */
export function createOutputEstimator(options: OutputEstimatorOptions = {}): OutputEstimator {
  const defaultTokens = options.defaultTokens ?? 500;
  const windowSize = Math.max(1, Math.floor(options.windowSize ?? 30));
  const byKey = new Map<string, Samples>();
  return {
    estimate(key, maxTokens) {
      const samples = byKey.get(key);
      const average = samples ? Math.ceil(samples.sum / samples.values.length) : defaultTokens;
      return maxTokens !== undefined && maxTokens >= 0 ? Math.min(maxTokens, average) : average;
    },
    learn(key, tokens) {
      if (!Number.isFinite(tokens) || tokens < 0) return;
      let samples = byKey.get(key);
      if (!samples) byKey.set(key, (samples = { values: [], next: 0, sum: 0 }));
      if (samples.values.length < windowSize) samples.values.push(tokens);
      else {
        samples.sum -= samples.values[samples.next]!;
        samples.values[samples.next] = tokens;
        samples.next = (samples.next + 1) % windowSize;
      }
      samples.sum += tokens;
    },
  };
}
