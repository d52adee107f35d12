/**
 * Runs `worker` over `source` with at most `concurrency` items in flight, pulling the next item only when a slot
 * frees up (memory stays bounded for any input size). Stops pulling once `signal` aborts; in-flight items finish.
 * A worker that throws stops the pool and the error is rethrown after in-flight items settle.
 */
export async function runPool<T>(
  source: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  worker: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  let pulling: Promise<IteratorResult<T>> | undefined;
  const next = async (): Promise<IteratorResult<T>> => {
    // Serialise pulls: async iterators such as readline must not be advanced concurrently.
    while (pulling) await pulling.catch(() => undefined);
    pulling = Promise.resolve(iterator.next());
    try {
      return await pulling;
    } finally {
      pulling = undefined;
    }
  };
  const lane = async (): Promise<void> => {
    while (failure === undefined && signal?.aborted !== true) {
      try {
        const item = await next();
        if (item.done === true) return;
        await worker(item.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  if (failure !== undefined || signal?.aborted === true) await iterator.return?.();
  if (failure !== undefined) throw failure.error;
}
