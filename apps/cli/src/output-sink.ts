import { closeSync, openSync, writeSync } from 'node:fs';

/** Where `maxllm run` writes its JSONL: a file opened for appending, or stdout. */
export interface OutputSink {
  /** Writes one JSON line now (synchronously, so a kill never loses a line that was reported as written). */
  write(value: unknown): void;
  /** Closes the file. */
  close(): void;
}

/** Opens `path` for appending (adding a newline first when a killed run left a torn last line), or stdout. */
export function openOutput(path: string | undefined, startWithNewline: boolean): OutputSink {
  if (path === undefined) {
    return {
      write: (value) => void process.stdout.write(`${JSON.stringify(value)}\n`),
      close: () => undefined,
    };
  }
  const fd = openSync(path, 'a');
  if (startWithNewline) writeSync(fd, '\n');
  return {
    write: (value) => void writeSync(fd, `${JSON.stringify(value)}\n`),
    close: () => closeSync(fd),
  };
}
