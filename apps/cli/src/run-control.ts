/** How long requests in flight may still finish after the first Ctrl-C before they are aborted. @unit ms */
export const INTERRUPT_GRACE_MS = 1000;

/** Why a run ended early. */
export type RunStop = { kind: 'interrupted' } | { kind: 'stopped'; reason: string };

/** The stop switches of one `maxllm run`. */
export interface RunControl {
  /** Aborted once no new line may start (Ctrl-C or a stop); also ends waits (batch polling). */
  readonly admission: AbortSignal;
  /** Aborted once requests in flight must end: at once on a stop, {@link INTERRUPT_GRACE_MS} after Ctrl-C. */
  readonly requests: AbortSignal;
  /** Why the run ended early, if it did (the first reason wins). */
  readonly stop: RunStop | undefined;
  /** Ctrl-C: admit nothing more, let requests in flight finish for a moment, then abort them. */
  interrupt(): void;
  /** A stop that makes every further request pointless (quota, a rejected key): admit nothing, abort in flight. */
  halt(reason: string): void;
  /**
   * A stop after which requests in flight are still worth their answer (a budget reached: they were sent and hold
   * their cost): admit nothing more, let them finish.
   */
  drain(reason: string): void;
  /** Clears the grace timer. */
  dispose(): void;
}

/** Creates the stop switches of a run. */
export function createRunControl(graceMs = INTERRUPT_GRACE_MS): RunControl {
  const admission = new AbortController();
  const requests = new AbortController();
  let stop: RunStop | undefined;
  let timer: NodeJS.Timeout | undefined;
  return {
    admission: admission.signal,
    requests: requests.signal,
    get stop() {
      return stop;
    },
    interrupt() {
      stop ??= { kind: 'interrupted' };
      admission.abort();
      timer ??= setTimeout(() => requests.abort(), graceMs);
      timer.unref();
    },
    halt(reason) {
      stop ??= { kind: 'stopped', reason };
      admission.abort();
      requests.abort();
    },
    drain(reason) {
      stop ??= { kind: 'stopped', reason };
      admission.abort();
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
