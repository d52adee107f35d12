/** A stream the status line draws on. */
export type StatusStream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean; columns?: number };

/**
 * stderr with one status line (the progress bar) at its bottom. On a terminal the line is redrawn in place, cut to
 * the terminal width so it never wraps (a wrapped line cannot be redrawn in place), and every other line is printed
 * above it, never inside it. Elsewhere the status line is not drawn and lines are printed as they come.
 */
export interface StatusLine {
  /** True when the stream is a terminal (the status line is drawn). */
  readonly live: boolean;
  /** Characters that fit on the status line (the terminal width less one). */
  readonly width: number;
  /** Draws or redraws the status line. */
  show(text: string): void;
  /** Prints a whole line (no trailing newline needed) above the status line. */
  print(line: string): void;
  /** Leaves the status line as it is, and moves to a fresh line below it: the next output starts there. */
  end(): void;
}

const CLEAR = '\r\u001b[2K';

/** Creates a status line on `stream`. */
export function createStatusLine(stream: StatusStream = process.stderr): StatusLine {
  const live = stream.isTTY === true;
  let current: string | undefined;
  // A pseudo-terminal without a size reports 0 columns.
  const widthNow = (): number => Math.max(20, (stream.columns || 80) - 1);
  const fit = (text: string): string => {
    const width = widthNow();
    const line = text.replace(/\s*\n\s*/g, ' ');
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  };
  return {
    live,
    get width() {
      return widthNow();
    },
    show(text) {
      if (!live) return;
      current = fit(text);
      stream.write(`${CLEAR}${current}`);
    },
    print(line) {
      const text = line.endsWith('\n') ? line : `${line}\n`;
      if (!live || current === undefined) {
        stream.write(text);
        return;
      }
      stream.write(`${CLEAR}${text}${current}`);
    },
    end() {
      if (live && current !== undefined) stream.write('\n');
      current = undefined;
    },
  };
}

/** The status line of the CLI's stderr, shared by the progress display and the logger. */
export const stderrStatus: StatusLine = createStatusLine();
