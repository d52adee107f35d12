/** How one limit maps onto a bottleneck reservoir that refills in steps. */
export interface BucketPlan {
  /** Reservoir size and starting value (also the largest weight one job may take). */
  maximum: number;
  /** Added every `intervalMs`. */
  amount: number;
  /** @unit milliseconds */
  intervalMs: number;
}

/**
 * Plans a stepped token bucket that never lets more than `limit` through in ANY window of `windowMs`:
 * with `k` steps per window of `amount` each and a bucket of one step, a window sees at most the bucket plus
 * `k + 1` refills, so `amount = floor(limit / (k + 2))`. Up to 20 steps per window: ≈ 91% of the limit at steady
 * state, the price of being safe against sliding-window enforcement without a shared log.
 */
export function planBucket(limit: number, windowMs: number): BucketPlan {
  const steps = Math.max(1, Math.min(20, Math.floor(limit) - 2));
  const amount = Math.max(1, Math.floor(limit / (steps + 2)));
  return { maximum: amount, amount, intervalMs: Math.ceil(windowMs / steps) };
}
