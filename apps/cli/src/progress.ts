import { formatProgress, type ProgressReporter, type ProgressSnapshot } from '@maxllm/client';
import { stderrStatus, type StatusLine } from './status-line';

/** How long the oldest request may be in flight before the progress line shows its age. @unit ms */
export const STUCK_AFTER_MS = 30_000;

/** Options of {@link createTerminalProgress}. */
export interface TerminalProgressOptions {
  /** Plain-line mode (not a terminal): shortest time between two lines; a last line is always printed. @default 2000 @unit ms */
  intervalMs?: number;
  /** Force plain lines even on a terminal (several runs in parallel would fight over one bar). @default false */
  plain?: boolean;
  /** When the oldest request still in flight started (`Date.now()` time), or undefined when none is. */
  oldestInFlight?: () => number | undefined;
  /** Where the bar is drawn. @default the CLI's stderr status line */
  status?: StatusLine;
  /** Where plain lines go. @default process.stderr */
  write?: (line: string) => void;
}

const BAR_SIZE = 30;

/**
 * The CLI's progress display on stderr: on a terminal, one line redrawn in place at the bottom (done/total, cache
 * hits, errors, tokens/s, $ spent, ETA), with warnings printed above it; when piped, a plain status line every few
 * seconds. Both add `oldest in flight 95s` once a request has been in flight longer than {@link STUCK_AFTER_MS}, and
 * keep refreshing while nothing finishes, so a stuck run is visible.
 */
export function createTerminalProgress(options: TerminalProgressOptions = {}): ProgressReporter {
  const status = options.status ?? stderrStatus;
  const live = status.live && options.plain !== true;
  const intervalMs = live ? 200 : (options.intervalMs ?? 2000);
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  let description = '';
  let latest: ProgressSnapshot | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastDraw = 0;

  const text = (snapshot: ProgressSnapshot): string => {
    const now = Date.now();
    const oldest = options.oldestInFlight?.();
    const stuck =
      oldest !== undefined && now - oldest >= STUCK_AFTER_MS
        ? ` | oldest in flight ${Math.round((now - oldest) / 1000)}s`
        : '';
    let line = `${formatProgress(snapshot, description, now)}${stuck}`;
    if (!live) return line;
    // On a terminal the counters must stay visible: the bar goes first, then the description is shortened.
    const room = status.width;
    if (line.length > room) {
      const keep = Math.max(8, description.length - (line.length - room) - 1);
      line = `${formatProgress(snapshot, `…${description.slice(-keep)}`, now)}${stuck}`;
    }
    if (snapshot.total === undefined || line.length + BAR_SIZE + 3 > room) return line;
    const filled = Math.round(BAR_SIZE * Math.min(1, snapshot.done / Math.max(snapshot.total, 1)));
    return `[${'='.repeat(filled)}${'-'.repeat(BAR_SIZE - filled)}] ${line}`;
  };
  const draw = (): void => {
    if (latest === undefined) return;
    lastDraw = Date.now();
    if (live) status.show(text(latest));
    else write(`${text(latest)}\n`);
  };
  return {
    start(snapshot, desc) {
      description = desc;
      latest = snapshot;
      lastDraw = Date.now();
      if (live) draw();
      // Redraws while nothing finishes: a request stuck in flight shows its age.
      timer = setInterval(
        () => {
          if (live || Date.now() - lastDraw >= intervalMs) draw();
        },
        Math.min(intervalMs, 1000),
      );
      timer.unref();
    },
    update(snapshot) {
      latest = snapshot;
      if (Date.now() - lastDraw >= (live ? 100 : intervalMs)) draw();
    },
    stop(snapshot) {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      latest = snapshot;
      draw();
      if (live) status.end();
      latest = undefined;
    },
  };
}
