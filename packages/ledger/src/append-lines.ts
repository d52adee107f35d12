import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { link, mkdir, open, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createTornTailJudge } from './torn-tail';

/**
 * Largest single `write()`. An O_APPEND write of one buffer lands in one piece on Linux local file systems;
 * Node's `appendFile` splits buffers above 512 KiB, so we cut at line boundaries below that ourselves.
 * @unit bytes
 */
export const maxAppendBytes = 256 * 1024;

/** An append that stopped part-way: the first `written` lines are complete in the file, the rest are not. */
export class PartialAppendError extends Error {
  constructor(
    /** Lines written completely before the failure. */
    readonly written: number,
    options: ErrorOptions,
  ) {
    super(`append failed after ${written} complete line(s)`, options);
  }
}

/** Groups complete lines (each ending in `\n`) into pieces of at most `maxAppendBytes` bytes (a longer line alone). */
export function groupLines(lines: readonly string[]): Buffer[][] {
  const pieces: Buffer[][] = [];
  let piece: Buffer[] = [];
  let bytes = 0;
  for (const line of lines) {
    const buffer = Buffer.from(line, 'utf8');
    if (piece.length > 0 && bytes + buffer.length > maxAppendBytes) {
      pieces.push(piece);
      piece = [];
      bytes = 0;
    }
    piece.push(buffer);
    bytes += buffer.length;
  }
  if (piece.length > 0) pieces.push(piece);
  return pieces;
}

/**
 * Creates `path` holding only `header`, atomically: the header is written to a private temp file that is then
 * hard-linked into place, so a concurrent appender never sees a file without its header, and exactly one
 * process's header wins. An empty file gets the header appended. The temp file is removed whatever happens.
 */
export async function ensureHeader(path: string, header: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 }); // previews of prompts: owner only
  const existing = await stat(path).catch(() => undefined);
  if (existing !== undefined) {
    if (existing.size === 0) await appendLines(path, [header]);
    return;
  }
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, header, { flag: 'wx', mode: 0o600 });
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

/** Pauses between looks at a torn-looking tail; tests pass their own to act while the append waits. */
export interface AppendOptions {
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** The file's size when it is not empty and its last byte is not a newline; otherwise `undefined`. */
async function tornSize(handle: FileHandle): Promise<number | undefined> {
  const { size } = await handle.stat();
  if (size === 0) return undefined;
  const last = Buffer.alloc(1);
  const { bytesRead } = await handle.read(last, 0, 1, size - 1);
  return bytesRead === 1 && last[0] !== 0x0a ? size : undefined;
}

/** True when the file ends in a torn line (see `createTornTailJudge`): a newline must come before our rows. */
async function endsTorn(handle: FileHandle, sleep: (ms: number) => Promise<void>): Promise<boolean> {
  const judge = createTornTailJudge();
  for (;;) {
    const step = judge.next(await tornSize(handle));
    if (step.done) return step.newline;
    await sleep(step.waitMs);
  }
}

function sleepAsync(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Appends complete lines with one O_APPEND `write()` per piece of at most `maxAppendBytes`. If the file ends in a
 * torn line (a crash or a full disk cut a write), a newline comes first, so our first line never glues onto it; a
 * tail that is only another process's write in flight gets none (no empty line).
 * Throws `PartialAppendError` telling how many lines made it completely.
 */
export async function appendLines(
  path: string,
  lines: readonly string[],
  options: AppendOptions = {},
): Promise<void> {
  let written = 0;
  try {
    const handle = await open(path, 'a+', 0o600);
    try {
      if (await endsTorn(handle, options.sleep ?? sleepAsync)) await handle.write('\n');
      for (const piece of groupLines(lines)) {
        const buffer = Buffer.concat(piece);
        let offset = 0;
        try {
          while (offset < buffer.length) {
            const { bytesWritten } = await handle.write(buffer, offset);
            offset += bytesWritten;
          }
        } finally {
          written += completeLines(piece, offset);
        }
      }
    } finally {
      await handle.close();
    }
  } catch (cause) {
    throw new PartialAppendError(written, { cause });
  }
}

/** How many of `piece`'s lines lie completely within its first `bytes` bytes. */
function completeLines(piece: readonly Buffer[], bytes: number): number {
  let count = 0;
  let end = 0;
  for (const line of piece) {
    end += line.length;
    if (end > bytes) break;
    count += 1;
  }
  return count;
}

/** Synchronous `ensureHeader` + `appendLines` for the process `exit` handler (best effort; no temp file left). */
export function appendLinesSync(
  path: string,
  header: string,
  lines: readonly string[],
  options: { sleepSync?: (ms: number) => void } = {},
): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let size: number | undefined;
  try {
    size = statSync(path).size;
  } catch {
    const temporary = `${path}.${process.pid}.exit.tmp`;
    try {
      writeFileSync(temporary, header, { flag: 'wx', mode: 0o600 });
      linkSync(temporary, path);
    } catch {
      // another process created it first, or the disk is full: the appends below tell
    } finally {
      try {
        unlinkSync(temporary);
      } catch {
        // already gone
      }
    }
  }
  const fd = openSync(path, 'a+', 0o600);
  try {
    if (size === 0 && fstatSync(fd).size === 0) writeSync(fd, header);
    else if (endsTornSync(fd, options.sleepSync ?? sleepSync)) writeSync(fd, '\n');
    for (const piece of groupLines(lines)) {
      const buffer = Buffer.concat(piece);
      let offset = 0;
      while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
    }
  } finally {
    closeSync(fd);
  }
}

function tornSizeSync(fd: number): number | undefined {
  const { size } = fstatSync(fd);
  if (size === 0) return undefined;
  const last = Buffer.alloc(1);
  return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a ? size : undefined;
}

function endsTornSync(fd: number, sleep: (ms: number) => void): boolean {
  const judge = createTornTailJudge();
  for (;;) {
    const step = judge.next(tornSizeSync(fd));
    if (step.done) return step.newline;
    sleep(step.waitMs);
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
