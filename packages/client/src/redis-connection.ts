import type { Logger } from '@maxllm/core';
import { MissingDependencyError, RedisUnavailableError } from './errors';

/** The part of an ioredis client the client itself uses (the limiter uses the rest). */
export interface RedisClientLike {
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'ready', listener: () => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/** `host:port` of a Redis URL, for messages (never the user name or password). */
export function redisHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return '(unparsable Redis URL)';
  }
}

/**
 * Connects to `url` with `ioredis`, an optional peer dependency imported only when the config names a Redis URL,
 * and waits until the server answers. A server that cannot be reached fails here, once, before any request is sent
 * (ioredis would otherwise retry every command and fail each call after its retries). Once connected, later outages
 * are retried by ioredis and reported once to `logger` (never the URL: it may hold a password).
 * @throws MissingDependencyError when `ioredis` is not installed.
 * @throws RedisUnavailableError when the first connection fails (refused, unknown host, timeout, auth).
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
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error): void => {
      connection.disconnect();
      reject(
        new RedisUnavailableError(
          `Cannot connect to Redis at ${redisHost(url)} for shared rate limits (MAXLLM_REDIS_URL / ` +
            `rate_limit.redis_url): ${error.message}. Start Redis or fix the URL; remove it to limit requests ` +
            'within this process only.',
          { cause: error },
        ),
      );
    };
    connection.once('error', failed);
    connection.once('ready', () => {
      connection.removeListener('error', failed);
      resolve();
    });
  });
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
