import { createHash } from 'node:crypto';

/** The slice of an ioredis client (`Redis` or `Cluster`) that runs Lua scripts. */
export interface ScriptClient {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** A Lua script and its SHA-1. */
export interface RedisScript {
  readonly source: string;
  readonly sha: string;
}

/** Wraps a Lua script's source with its SHA-1, for {@link runRedisScript}. */
export function redisScript(source: string): RedisScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Runs `script` by its SHA (EVALSHA); a server that does not know it yet (NOSCRIPT) gets the source (EVAL). */
export async function runRedisScript(
  client: ScriptClient,
  script: RedisScript,
  keys: readonly string[],
  argv: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...argv);
  } catch (error) {
    if (!String((error as Error | undefined)?.message).includes('NOSCRIPT')) throw error;
    return client.eval(script.source, keys.length, ...keys, ...argv);
  }
}
