import { Presets, SingleBar } from 'cli-progress';
import { formatUsd } from './table.js';

/** Counters shown next to the bar. */
export interface ProgressCounters {
  /** Items finished (successfully or not). */
  done: number;
  /** Answers served from the cache. */
  hits: number;
  /** Items that failed. */
  errors: number;
  /** Money spent so far. @unit USD */
  costUsd: number;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Text before the bar, e.g. `run prompts.jsonl`. */
  label: string;
  /** Number of items, when known (a stream read from stdin has none). */
  total?: number;
  /** Where to draw. @default process.stderr */
  stream?: NodeJS.WriteStream;
  /** Draw a redrawing bar (true) or print plain lines (false). @default stream.isTTY */
  tty?: boolean;
  /** Plain-line mode: print at most one line per this interval, plus every 10 % of `total`. @default 5000 @unit ms */
  intervalMs?: number;
  /** Source of time for plain-line pacing. @default Date.now */
  now?: () => number;
}

/** A progress display: a live bar on a terminal, a line now and then when piped. */
export interface Progress {
  /** Reports the current counters. */
  update(counters: ProgressCounters): void;
  /** Draws the final state and releases the terminal. */
  stop(): void;
}

function plainLine(label: string, total: number | undefined, counters: ProgressCounters): string {
  const share = total ? ` (${Math.floor((counters.done / total) * 100)}%)` : '';
  return `${label}: ${counters.done}${total === undefined ? '' : `/${total}`}${share} done, ${counters.hits} cached, ${counters.errors} errors, ${formatUsd(counters.costUsd)}\n`;
}

/** Creates a progress display for `options.total` items. */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  const now = options.now ?? Date.now;
  let counters: ProgressCounters = { done: 0, hits: 0, errors: 0, costUsd: 0 };
  if (tty) {
    const bar = new SingleBar(
      {
        format: `${options.label} |{bar}| {value}/{total} | {hits} cached | {errors} errors | {cost} | ETA {eta_formatted}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
        fps: 10,
      },
      Presets.shades_classic,
    );
    bar.start(options.total ?? 0, 0, { hits: 0, errors: 0, cost: '$0' });
    const payload = (): Record<string, unknown> => ({
      hits: counters.hits,
      errors: counters.errors,
      cost: formatUsd(counters.costUsd),
    });
    return {
      update(next) {
        counters = next;
        if (options.total === undefined) bar.setTotal(Math.max(next.done, 1));
        bar.update(next.done, payload());
      },
      stop() {
        bar.update(counters.done, payload());
        bar.stop();
      },
    };
  }
  const intervalMs = options.intervalMs ?? 5000;
  let lastAt = now();
  let lastDecile = 0;
  let printed = -1;
  return {
    update(next) {
      counters = next;
      const decile = options.total ? Math.floor((next.done / options.total) * 10) : 0;
      if (decile > lastDecile || now() - lastAt >= intervalMs) {
        lastDecile = decile;
        lastAt = now();
        printed = next.done;
        stream.write(plainLine(options.label, options.total, next));
      }
    },
    stop() {
      if (printed !== counters.done) stream.write(plainLine(options.label, options.total, counters));
    },
  };
}
