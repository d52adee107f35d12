import { type Clock, systemClock } from '@maxllm/core';
import { SingleBar } from 'cli-progress';
import { createLineProgress, formatProgress, type ProgressReporter, type ProgressSnapshot } from './progress';

/**
 * Where progress is drawn: `process.stderr`, a TTY `WriteStream`, or anything with a `write(text)`. Typed by the
 * members used (not `NodeJS.WritableStream`), so a project without `@types/node` can use the client's types.
 */
export interface ProgressStream {
  /** Writes text (the bar's escape sequences included). */
  write(text: string): unknown;
  /** True when the stream is a terminal: the bar is drawn only there. */
  isTTY?: boolean;
  /** Width of the terminal. @unit characters */
  columns?: number;
}

/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  /** Where the bar is drawn. @default process.stderr */
  stream?: ProgressStream;
  /** Time source of the rates and the ETA. @default the system clock */
  clock?: Clock;
  /** Most redraws per second (a redraw happens only when the text changed). @default 10 */
  fps?: number;
  /** Width of the bar itself. @default 30 @unit characters */
  barSize?: number;
}

/**
 * A terminal progress bar (`cli-progress`) redrawn in place:
 * `desc [=====-----] done/total (pct) | hits N | errors N | N tok/s | $x.xxxx | ETA 12s`.
 * Without a known total the bar part is left out. Meant for a TTY; see {@link createDefaultProgress}.
 */
export function createProgressBar(options: ProgressBarOptions = {}): ProgressReporter {
  const clock = options.clock ?? systemClock;
  const barSize = Math.max(1, Math.floor(options.barSize ?? 30));
  let description = '';
  let bar: SingleBar | undefined;
  const text = (snapshot: ProgressSnapshot): string => {
    const status = formatProgress(snapshot, description, clock.now());
    if (snapshot.total === undefined) return status;
    const filled = Math.round(barSize * Math.min(1, snapshot.done / Math.max(snapshot.total, 1)));
    return `[${'='.repeat(filled)}${'-'.repeat(barSize - filled)}] ${status}`;
  };
  return {
    start(snapshot, desc) {
      description = desc;
      // The cursor stays visible and no SIGINT handler is installed: Ctrl-C must still end the process and leave
      // the terminal as it was.
      bar = new SingleBar({
        // cli-progress types its stream as Node's, but only calls `write`, `isTTY` and `columns` on it (directly and
        // through `readline.cursorTo` / `clearLine`, which write escape sequences).
        stream: (options.stream ?? process.stderr) as NodeJS.WritableStream,
        fps: options.fps ?? 10,
        hideCursor: false,
        gracefulExit: false,
        format: (_options, _params, payload: { line?: string }) => payload.line ?? '',
      });
      bar.start(snapshot.total ?? 0, snapshot.done, { line: text(snapshot) });
    },
    update(snapshot) {
      bar?.update(snapshot.done, { line: text(snapshot) });
    },
    stop(snapshot) {
      bar?.update(snapshot.done, { line: text(snapshot) });
      bar?.stop();
      bar = undefined;
    },
  };
}

/** Options of {@link createDefaultProgress}. */
export interface DefaultProgressOptions {
  /** Where progress goes. @default process.stderr */
  stream?: ProgressStream;
  /** Time source of rates, ETA and line intervals. @default the system clock */
  clock?: Clock;
  /** Shortest time between two plain lines when the stream is not a TTY. @default 10000 @unit ms */
  intervalMs?: number;
}

/**
 * The progress display `batchComplete` uses by default: a redrawn {@link createProgressBar} when `stream` is a TTY,
 * otherwise a plain status line at most every `intervalMs` ({@link createLineProgress}), which suits logs and pipes.
 */
export function createDefaultProgress(options: DefaultProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const clock = options.clock ?? systemClock;
  if (stream.isTTY === true) return createProgressBar({ stream, clock });
  return createLineProgress({
    clock,
    write: (line) => void stream.write(line),
    ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
  });
}
