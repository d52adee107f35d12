import { Presets, SingleBar } from 'cli-progress';
import { createLineProgress, systemClock, type ProgressReporter, type ProgressSnapshot } from 'maxllm';
import { formatUsd } from './table.js';

/** Options of {@link createTerminalProgress}. */
export interface TerminalProgressOptions {
  /** Where to draw. @default process.stderr */
  stream?: NodeJS.WriteStream;
  /** Draw a redrawing bar (true) or print plain lines (false). @default stream.isTTY */
  tty?: boolean;
  /** Plain-line mode: shortest time between two lines (a last line is always printed). @default 2000 @unit ms */
  intervalMs?: number;
}

function tokensPerSecond(snapshot: ProgressSnapshot): string {
  const seconds = Math.max((systemClock.now() - snapshot.startedAt) / 1000, 1e-3);
  return `${Math.round(snapshot.tokens / seconds)}`;
}

/**
 * The progress display of `batchComplete` and `maxllm run` (the client's `ProgressReporter` interface): on a
 * terminal a cli-progress bar redrawn in place (done/total, cache hits, errors, tokens/s, $ spent, ETA); when
 * piped, a plain status line every `intervalMs` and one at the end, so logs stay readable.
 */
export function createTerminalProgress(options: TerminalProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (!(options.tty ?? stream.isTTY === true)) {
    return createLineProgress({
      clock: systemClock,
      intervalMs: options.intervalMs ?? 2000,
      write: (line) => void stream.write(line),
    });
  }
  let bar: SingleBar | undefined;
  const payload = (snapshot: ProgressSnapshot): Record<string, unknown> => ({
    hits: snapshot.cacheHits,
    errors: snapshot.errors,
    rate: tokensPerSecond(snapshot),
    cost: formatUsd(snapshot.costUsd),
  });
  return {
    start(snapshot, description) {
      bar = new SingleBar(
        {
          format: `${description} |{bar}| {value}/{total} | {hits} cached | {errors} errors | {rate} tok/s | {cost} | ETA {eta_formatted}`,
          stream,
          hideCursor: true,
          etaBuffer: 100,
          fps: 10,
        },
        Presets.shades_classic,
      );
      bar.start(snapshot.total ?? 0, snapshot.done, payload(snapshot));
    },
    update(snapshot) {
      if (snapshot.total === undefined) bar?.setTotal(Math.max(snapshot.done, 1));
      bar?.update(snapshot.done, payload(snapshot));
    },
    stop(snapshot) {
      if (snapshot.total === undefined) bar?.setTotal(snapshot.done);
      bar?.update(snapshot.done, payload(snapshot));
      bar?.stop();
      bar = undefined;
    },
  };
}
