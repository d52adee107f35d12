import type { Clock } from '@maxllm/core';

/** Counters of a running `batchComplete`. */
export interface ProgressSnapshot {
  /** Items finished (success or failure). */
  done: number;
  /** Items in total, when the input's length is known. */
  total: number | undefined;
  /** Items answered from the cache. */
  cacheHits: number;
  /** Items that failed. */
  errors: number;
  /** Input + output tokens of the answered items. @unit tokens */
  tokens: number;
  /** Money spent so far. @unit USD */
  costUsd: number;
  /** The budget cap, when one is set: shown as `$spent / $cap`. @unit USD */
  capUsd?: number;
  /** When the run started (clock time). @unit ms */
  startedAt: number;
}

/**
 * Shows the progress of a `batchComplete`. The default writes a periodic plain line; a terminal progress bar
 * (cli-progress) plugs in through the same interface.
 */
export interface ProgressReporter {
  /** The run starts. */
  start(snapshot: ProgressSnapshot, description: string): void;
  /** An item finished. Called once per item: keep it cheap. */
  update(snapshot: ProgressSnapshot): void;
  /** The run ended (finished, stopped or failed). */
  stop(snapshot: ProgressSnapshot): void;
}

/** A reporter that shows nothing. */
export const silentProgress: ProgressReporter = { start() {}, update() {}, stop() {} };

/** Options of {@link createLineProgress}. */
export interface LineProgressOptions {
  /** Where lines go. @default process.stderr.write */
  write?: (line: string) => void;
  /** Shortest time between two lines. @default 10000 @unit ms */
  intervalMs?: number;
  clock: Clock;
}

/** A reporter that writes one status line at most every `intervalMs`, and a last one at the end. */
export function createLineProgress(options: LineProgressOptions): ProgressReporter {
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const interval = options.intervalMs ?? 10_000;
  let description = '';
  let last = 0;
  const line = (snapshot: ProgressSnapshot): void => {
    write(`${formatProgress(snapshot, description, options.clock.now())}\n`);
  };
  return {
    start(snapshot, desc) {
      description = desc;
      last = options.clock.now();
    },
    update(snapshot) {
      const now = options.clock.now();
      if (now - last < interval) return;
      last = now;
      line(snapshot);
    },
    stop: line,
  };
}

/** `desc: done/total (pct) | hits N | errors N | N tok/s | $x.xxxx | ETA 12s`. */
export function formatProgress(snapshot: ProgressSnapshot, description: string, now: number): string {
  const { done, total, cacheHits, errors, tokens, costUsd, capUsd, startedAt } = snapshot;
  const seconds = Math.max((now - startedAt) / 1000, 1e-3);
  const parts = [
    `${description}: ${done}${total === undefined ? '' : `/${total} (${Math.floor((100 * done) / Math.max(total, 1))}%)`}`,
    `hits ${cacheHits}`,
    `errors ${errors}`,
    `${Math.round(tokens / seconds)} tok/s`,
    capUsd === undefined ? `$${costUsd.toFixed(4)}` : `$${costUsd.toFixed(4)} / $${capUsd.toFixed(2)}`,
  ];
  if (total !== undefined && done > 0 && done < total) {
    parts.push(`ETA ${Math.ceil(((total - done) * seconds) / done)}s`);
  }
  return parts.join(' | ');
}
