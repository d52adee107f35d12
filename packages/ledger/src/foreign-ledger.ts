import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, openSync, readSync, statSync, unlinkSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ledgerColumns } from './columns';

/** The 14 columns of the Python MaxLLM's ledger (successful uncached calls only); ours start with the same names. */
export const pythonLedgerColumns = ledgerColumns.slice(0, 14);

/** A ledger file with another header, moved out of the way. */
export interface MovedLedger {
  /** Where the file now is. */
  movedTo: string;
  /** `python` (the Python MaxLLM's 14 columns) or `old` (any other header, e.g. an older MaxLLM version). */
  kind: 'python' | 'old';
}

const asidePattern = /\.(python|old)-\d{8}T\d{6}Z(-[0-9a-f]+)?\.csv$/;

function stem(path: string): string {
  return path.endsWith('.csv') ? path.slice(0, -4) : path;
}

/**
 * Reads the first line of the ledger at `path`. If it is not `header` (an older MaxLLM, the Python MaxLLM, anything
 * else), moves the file aside as `<name>.<python|old>-<UTC time>.csv` next to it, so no row is ever appended under a
 * header it does not match. A missing or empty file is left alone. Returns what was moved, if anything.
 */
export function moveForeignLedger(path: string, header: string): MovedLedger | undefined {
  let first: string;
  let inode: number;
  try {
    const fd = openSync(path, 'r');
    try {
      const info = fstatSync(fd);
      if (info.size === 0 || !info.isFile()) return undefined;
      inode = info.ino;
      const buffer = Buffer.alloc(Math.min(info.size, 64 * 1024));
      const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
      const text = buffer.subarray(0, bytesRead).toString('utf8');
      const end = text.indexOf('\n');
      first = (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '');
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (first === header.trimEnd()) return undefined;
  const kind = first.replace(/^\uFEFF/, '') === pythonLedgerColumns.join(',') ? 'python' : 'old';
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  let movedTo = `${stem(path)}.${kind}-${stamp}.csv`;
  try {
    linkSync(path, movedTo);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    movedTo = `${stem(path)}.${kind}-${stamp}-${randomBytes(3).toString('hex')}.csv`;
    linkSync(path, movedTo);
  }
  // Another process may have moved it already and created a fresh ledger: only remove the file we read.
  let now: number | undefined;
  try {
    now = statSync(path).ino;
  } catch {
    now = undefined;
  }
  if (now === inode) unlinkSync(path);
  else {
    unlinkSync(movedTo);
    return undefined;
  }
  return { movedTo, kind };
}

/** Ledgers moved aside next to `path` by `moveForeignLedger`, oldest first (a missing folder gives none). */
export async function movedAsideLedgers(path: string): Promise<string[]> {
  const prefix = `${basename(stem(path))}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  return names
    .filter((name) => name.startsWith(prefix) && asidePattern.test(name.slice(prefix.length - 1)))
    .sort((a, b) => (asideTime(a) < asideTime(b) ? -1 : asideTime(a) > asideTime(b) ? 1 : 0))
    .map((name) => join(dirname(path), name));
}

function asideTime(name: string): string {
  return /-(\d{8}T\d{6}Z)/.exec(name)?.[1] ?? '';
}
