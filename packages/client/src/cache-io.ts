import { CACHE_KEY_VERSION } from '@maxllm/cache';
import { isCacheable, readUsage, type Usage } from '@maxllm/request';
import type { Call } from './call';
import type { ClientContext } from './client-context';

/**
 * The cached answer of `call` (its member's namespace and key), `undefined` for a miss. The cache's shared, deeply
 * frozen copy when only strings are taken from it (text, structured output parsed from text, the ledger row); a
 * private copy when the caller's result is part of the answer itself (`raw`, embedding vectors), so that no caller can
 * change what a later hit returns.
 */
export function lookup(call: Call): Promise<unknown> {
  return Promise.resolve(lookupNow(call)).then(responseOf);
}

/**
 * {@link lookup}, but the cache's entry (not its response), and not a promise when the cache answers at once (its
 * memory layer, the pack): a hit settles no promise of its own.
 */
export function lookupNow(call: Call): CachedEntry | undefined | Promise<CachedEntry | undefined> {
  const { context, prepared } = call;
  const { namespace, cacheKey } = prepared;
  try {
    const found =
      prepared.raw || prepared.kind === 'embedding'
        ? context.cache.get(namespace, cacheKey)
        : context.cache.getShared(namespace, cacheKey);
    return found instanceof Promise
      ? found.catch((error: unknown) => readFailed(context, namespace, error))
      : found;
  } catch (error) {
    return readFailed(context, namespace, error);
  }
}

/** What {@link lookupNow} reads of a cache entry. */
export interface CachedEntry {
  response: unknown;
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

/** A failing cache read is a miss (logged), never a failed call. */
function readFailed(context: ClientContext, namespace: string, error: unknown): undefined {
  context.logger.warn(`cache read failed for ${namespace}: ${String(error)}`);
  return undefined;
}

function responseOf(entry: CachedEntry | undefined): unknown {
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
