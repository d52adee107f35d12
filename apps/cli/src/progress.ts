import { createDefaultProgress, type ProgressReporter, type ProgressStream } from '@maxllm/client';

/** Options of {@link createTerminalProgress}. */
export interface TerminalProgressOptions {
  /** Plain-line mode (not a terminal): shortest time between two lines; a last line is always printed. @default 2000 @unit ms */
  intervalMs?: number;
  /** Force plain lines even on a terminal (several runs in parallel would fight over one bar). @default false */
  plain?: boolean;
}

/**
 * The CLI's progress display on stderr, the client's own: a cli-progress bar redrawn in place on a terminal
 * (done/total, cache hits, errors, tokens/s, $ spent, ETA), a plain status line every few seconds when piped.
 */
export function createTerminalProgress(options: TerminalProgressOptions = {}): ProgressReporter {
  const intervalMs = options.intervalMs ?? 2000;
  if (options.plain === true) {
    // Only `write` is used in plain-line mode: a stderr that does not claim to be a terminal.
    const stream = {
      isTTY: false,
      write: (chunk: string) => process.stderr.write(chunk),
    } as unknown as ProgressStream;
    return createDefaultProgress({ stream, intervalMs });
  }
  return createDefaultProgress({ intervalMs });
}
