import { InvalidLimitError } from './errors.js';
import type { Limits } from './limits.js';
import type { RateLimiter, RateLimiterOptions } from './types.js';

/** Distributed mode (bottleneck + ioredis). */
export function createRedisLimiter(
  _limits: Limits,
  _redis: NonNullable<RateLimiterOptions['redis']>,
): RateLimiter {
  throw new InvalidLimitError('createRateLimiter: redis mode is not available yet');
}
