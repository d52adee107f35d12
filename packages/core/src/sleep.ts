import type { Clock } from './clock';

/**
 * Waits `ms` on `clock` (negative counts as 0). Rejects with {@link abortReason} as soon as `signal` aborts, and at
 * once when it already has; the timer is cleared and the listener removed either way.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(abortReason(signal));
    };
    const handle = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The error an aborted `signal` stands for: its `reason` when that is an `Error` (as `AbortSignal.timeout()` and
 * `controller.abort(error)` give), otherwise a `DOMException` named `AbortError`.
 */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}
