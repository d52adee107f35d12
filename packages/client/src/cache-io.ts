import { CACHE_KEY_VERSION } from '@maxllm/cache';
import type { Usage } from '@maxllm/request';
import type { ClientContext } from './client-context';

/** Reads a cached response; a failing cache is a miss (logged), never a failed call. */
export async function readCached(context: ClientContext, namespace: string, key: string): Promise<unknown> {
  try {
    const entry = await context.cache.get(namespace, key);
    return entry?.response;
  } catch (error) {
    context.logger.warn(`cache read failed for ${namespace}: ${String(error)}`);
    return undefined;
  }
}

/** Stores a response; a failing cache write is logged, the answer is still returned. */
export async function writeCached(
  context: ClientContext,
  namespace: string,
  key: string,
  response: unknown,
  model: string,
  usage: Usage | undefined,
): Promise<void> {
  try {
    await context.cache.set(namespace, key, {
      response,
      meta: { createdAt: context.clock.now(), model, usage, keyVersion: CACHE_KEY_VERSION },
    });
  } catch (error) {
    context.logger.warn(`cache write failed for ${namespace}: ${String(error)}`);
  }
}
