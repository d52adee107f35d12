import { MissingDependencyError } from './errors';

/** The part of an ioredis client the client itself uses (the limiter uses the rest). */
export interface RedisClientLike {
  quit(): Promise<unknown>;
}

/**
 * Connects to `url` with `ioredis`, an optional peer dependency imported only when the config names a Redis URL.
 * @throws MissingDependencyError when `ioredis` is not installed.
 */
export async function connectRedis(url: string): Promise<RedisClientLike> {
  let module: { Redis?: new (url: string, options?: object) => RedisClientLike };
  try {
    module = await import('ioredis');
  } catch (error) {
    throw new MissingDependencyError(
      "The config sets a Redis URL (rate_limit.redis_url / MAXLLM_REDIS_URL) for shared rate limits, but 'ioredis' " +
        "is not installed: run 'npm install ioredis' (or remove the Redis URL).",
      { cause: error },
    );
  }
  const Redis = module.Redis;
  if (!Redis)
    throw new MissingDependencyError("'ioredis' does not export Redis: install ioredis 5 or newer.");
  return new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
}
