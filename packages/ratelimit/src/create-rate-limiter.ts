import { resolveLimits } from './limits';
import { createLocalLimiter } from './local-limiter';
import { createRedisLimiter } from './redis-limiter';
import type { RateLimiter, RateLimiterOptions } from './types';

/**
 * Creates an RPM + TPM + concurrency limiter: in-process by default, shared through Redis with `redis`.
 * @throws InvalidLimitError when a limit is not a positive number.
 */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const limits = resolveLimits(options);
  return options.redis
    ? createRedisLimiter(limits, options.redis, options.clock)
    : createLocalLimiter(limits, options.clock);
}
