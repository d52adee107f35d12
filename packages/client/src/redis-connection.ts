import { MissingDependencyError } from './errors';
import type { Logger } from './logger';

/** The part of an ioredis client the client itself uses (the limiter uses the rest). */
export interface RedisClientLike {
  quit(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * Connects to `url` with `ioredis`, an optional peer dependency imported only when the config names a Redis URL.
 * Connection errors go to `logger` (never the URL: it may hold a password).
 * @throws MissingDependencyError when `ioredis` is not installed.
 */
export async function connectRedis(url: string, logger: Logger): Promise<RedisClientLike> {
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
  const connection = new Redis(url, { maxRetriesPerRequest: 3 });
  // ioredis reconnects by itself; say so once per outage instead of its "Unhandled error event" lines.
  let reported = false;
  connection.on('error', (error) => {
    if (reported) return;
    reported = true;
    logger.warn(`Redis for shared rate limits: ${error.message} (reconnecting)`);
  });
  connection.on('ready', () => {
    reported = false;
  });
  return connection;
}
