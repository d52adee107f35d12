/** A signal that follows a longer-lived one until released. */
export interface ScopedSignal {
  /** Aborts (with the parent's reason) when the parent aborts before {@link ScopedSignal.release}. */
  signal: AbortSignal;
  /** Detaches from the parent: call it once the call that holds {@link ScopedSignal.signal} is over. */
  release(): void;
}

/**
 * A per-call child of `parent`, for a callee that adds an `abort` listener to the signal it is given and never
 * removes it: the `openai` SDK does that once per request. Given the caller's own signal (`maxllm run` passes one
 * signal to every line), the listeners, each holding the request's `AbortController`, would pile up for the life of
 * the signal (~1 KB per call, and each add scans the list); on the child they go with it.
 */
export function scopedSignal(parent: AbortSignal): ScopedSignal {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, release: () => undefined };
  }
  const onAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, release: () => parent.removeEventListener('abort', onAbort) };
}
