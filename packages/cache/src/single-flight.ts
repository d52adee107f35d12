/** Shares one in-flight call between concurrent callers asking for the same key. */
export interface SingleFlight {
  /**
   * Runs `fn` unless a call for `key` is already in flight, in which case it returns that call's promise.
   * The result (or error) goes to every caller; nothing is remembered once the call settles, so an error is not
   * cached and the next `run` calls `fn` again.
   */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Number of calls in flight. */
  readonly size: number;
}

/** Creates a {@link SingleFlight}: N concurrent identical requests, one API call, N answers. */
export function createSingleFlight(): SingleFlight {
  const inFlight = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const running = inFlight.get(key);
      if (running) return running as Promise<T>;
      const call = Promise.resolve()
        .then(fn)
        .finally(() => {
          if (inFlight.get(key) === call) inFlight.delete(key);
        });
      inFlight.set(key, call);
      return call;
    },
    get size() {
      return inFlight.size;
    },
  };
}
