import { CACHE_KEY_VERSION } from '@maxllm/cache';
import { isCacheable, readUsage, type Usage } from '@maxllm/request';
import type { Call } from './call';
import type { ClientContext } from './client-context';

/** The cached answer of `call` (its member's namespace and key), `undefined` for a miss. */
export function lookup(call: Call): Promise<unknown> {
  return readCached(call.context, call.prepared.namespace, call.prepared.cacheKey);
}

/** Stores the answer of `call` when the call may write the cache and the answer is complete (cacheable). */
export async function store(
  call: Call,
  response: unknown,
  usage: Usage | undefined = readUsage(response),
): Promise<void> {
  const { context, prepared, policy, resolved } = call;
  if (!policy.write || !isCacheable(prepared, response)) return;
  await writeCached(context, prepared.namespace, prepared.cacheKey, response, resolved.model, usage);
}

/** Reads a cached response; a failing cache is a miss (logged), never a failed call. */
export function readCached(context: ClientContext, namespace: string, key: string): Promise<unknown> {
  const failed = (error: unknown): undefined => {
    context.logger.warn(`cache read failed for ${namespace}: ${String(error)}`);
    return undefined;
  };
  try {
    // No `async` layer of its own: a hit settles one promise fewer.
    return Promise.resolve(context.cache.get(namespace, key)).then(responseOf, failed);
  } catch (error) {
    return Promise.resolve(failed(error));
  }
}

function responseOf(entry: { response: unknown } | undefined): unknown {
  return entry?.response;
}

/** Stores a response; a failing cache write is logged, the answer is still returned. */
async function writeCached(
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
