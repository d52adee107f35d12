import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { appendFile, link, mkdir, open, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Largest single `write()`. An O_APPEND write of one buffer lands in one piece on Linux local file systems;
 * Node's `appendFile` splits buffers above 512 KiB, so we cut at line boundaries below that ourselves.
 * @unit bytes
 */
export const maxAppendBytes = 256 * 1024;

/** Cuts `text` (complete lines) into pieces of at most `maxAppendBytes` bytes, each made of whole lines. */
export function splitAtLines(text: string): Buffer[] {
  const buffer = Buffer.from(text, 'utf8');
  const pieces: Buffer[] = [];
  let start = 0;
  while (buffer.length - start > maxAppendBytes) {
    let end = buffer.lastIndexOf(0x0a, start + maxAppendBytes - 1);
    if (end < start) end = buffer.indexOf(0x0a, start + maxAppendBytes); // one huge line: keep it whole
    pieces.push(buffer.subarray(start, end + 1));
    start = end + 1;
  }
  if (start < buffer.length) pieces.push(buffer.subarray(start));
  return pieces;
}

/**
 * Creates `path` holding only `header`, atomically: the header is written to a private temp file that is then
 * hard-linked into place, so a concurrent appender never sees a file without its header, and exactly one
 * process's header wins. Does nothing if the file already exists.
 */
export async function ensureHeader(path: string, header: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 }); // previews of prompts: owner only
  const existing = await stat(path).catch(() => undefined);
  if (existing !== undefined) {
    if (existing.size === 0) await appendFile(path, header, { mode: 0o600 });
    return;
  }
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, header, { flag: 'wx', mode: 0o600 });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

/** Appends complete lines with one O_APPEND `write()` per piece of at most `maxAppendBytes`. */
export async function appendLines(path: string, text: string): Promise<void> {
  const handle = await open(path, 'a', 0o600);
  try {
    for (const piece of splitAtLines(text)) {
      let written = 0;
      while (written < piece.length) {
        const { bytesWritten } = await handle.write(piece, written);
        written += bytesWritten;
      }
    }
  } finally {
    await handle.close();
  }
}

/** Synchronous `ensureHeader` + `appendLines` for the process `exit` handler (best effort). */
export function appendLinesSync(path: string, header: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) {
    const temporary = `${path}.${process.pid}.exit.tmp`;
    writeFileSync(temporary, header, { mode: 0o600 });
    try {
      linkSync(temporary, path);
    } catch {
      // another process created it first
    } finally {
      unlinkSync(temporary);
    }
  } else if (statSync(path).size === 0) {
    appendFileSync(path, header, { mode: 0o600 });
  }
  for (const piece of splitAtLines(text)) appendFileSync(path, piece, { mode: 0o600 });
}
