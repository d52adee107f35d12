import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bucketPath, contentFile, hash, isNotFound, type IndexRecord } from './cacache-layout';

/** Writes entries in cacache's on-disk format, synchronously, with a handful of file-system calls per write. */
export interface CacacheWriter {
  /** Stores `data` under `key` (content file, then one appended index line) and returns the index record. */
  put(key: string, data: Buffer, options: { time: number; metadata: IndexRecord['metadata'] }): IndexRecord;
  /** Forgets which folders exist (after something removed them, such as `cacache.rm.all`). */
  forgetFolders(): void;
}

/**
 * A writer over the cacache directory `dir`. What `cacache.put` does in ~37 file-system calls (a temp folder per
 * write, folders made again on every write) takes ~5 here: stat of the content file (skipped when the same content is
 * already there), write of a temp file in one long-lived `<dir>/tmp` folder, rename into place, one `O_APPEND` write
 * of the index line. Folders are made once per writer. cacache stays the store of record: its `get`, `ls`, `verify`
 * and `rm` read what this writes. Another process (or `cacache.verify`'s tmp clean-up) may remove a folder this
 * writer made: a write that fails with ENOENT forgets the folders and is tried once more.
 */
export function createCacacheWriter(dir: string): CacacheWriter {
  const folders = new Set<string>();
  const tmpFolder = join(dir, 'tmp');

  function ensureFolder(folder: string): void {
    if (folders.has(folder)) return;
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    folders.add(folder);
  }

  function writeContent(file: string, data: Buffer): void {
    // Same path means same sha512, so a file of the right size already holds these bytes (reads check integrity).
    if (statSync(file, { throwIfNoEntry: false })?.size === data.length) return;
    ensureFolder(tmpFolder);
    const tmp = join(tmpFolder, randomUUID());
    try {
      writeFileSync(tmp, data, { flag: 'wx', mode: 0o600 });
      ensureFolder(dirname(file));
      renameSync(tmp, file); // atomic: readers see the old file or the whole new one
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
  }

  function appendLine(key: string, record: IndexRecord): void {
    const bucket = bucketPath(dir, key);
    const json = JSON.stringify(record);
    ensureFolder(dirname(bucket));
    // cacache's line format: a newline first, then `<sha1 of the JSON>\t<JSON>`. One small O_APPEND write.
    appendFileSync(bucket, `\n${hash(json, 'sha1')}\t${json}`, { mode: 0o600 });
  }

  function putOnce(key: string, data: Buffer, file: string, record: IndexRecord): void {
    writeContent(file, data);
    appendLine(key, record);
  }

  return {
    put(key, data, { time, metadata }) {
      const sum = createHash('sha512').update(data).digest();
      const integrity = `sha512-${sum.toString('base64')}`; // ssri's format, as cacache.put stores it
      const file = contentFile(dir, 'sha512', sum.toString('hex'));
      // Same fields in the same order as cacache's index.insert, so the line hashes the same way.
      const record: IndexRecord = { key, integrity, time, size: data.length, metadata };
      try {
        putOnce(key, data, file, record);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        folders.clear();
        putOnce(key, data, file, record);
      }
      return record;
    },
    forgetFolders() {
      folders.clear();
    },
  };
}
