import { closeSync, fstatSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { KeyTable } from './key-table';
import { checkRecord, claimedLength, HEADER_BYTES, MAGIC_BYTES, type RecordHeader } from './pack-record';

/** A valid record found by a scan: where it is, its header, and the buffer it was read into. */
export interface ScannedRecord {
  offset: number;
  header: RecordHeader;
  buffer: Buffer;
  /** Position of the record in `buffer`. */
  at: number;
}

/** Bytes read per system call while scanning. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * One namespace's append-only pack file and its in-memory index (`KeyTable`: entry key → newest record).
 *
 * - A write is one `write` of one whole record on an `O_APPEND` descriptor: no file, folder or inode is created per
 *   entry, and once `append` returns the record is in the file (it survives a kill of the process).
 * - Several processes may append to the same file at once; each record lands whole. The index covers the file up to
 *   `scanned`; a lookup that misses first reads whatever was appended since (one `fstat` when nothing was).
 * - A record that fails its checks (torn by a crash or a full disk, damaged on disk) is skipped by the scan, which
 *   resynchronises on the next valid record; a record that fails its check when read is reported and treated as a miss.
 */
export class PackFile {
  private fd: number | undefined;
  private readonly table = new KeyTable();
  /** The index covers [0, scanned). */
  private scanned = 0;
  /** File size at the last scan, to skip re-scanning an unchanged torn tail. */
  private sizeAtScan = -1;

  constructor(readonly path: string) {}

  /**
   * Where the newest record of `key` that this instance indexed is; a key it does not know makes it catch up with
   * what other processes appended since its last look first (one `fstat` when nothing was), so their new entries are
   * found. A key it knows is served without that `fstat`: to see another process's overwrite or deletion of a key
   * that still reads as valid here, call {@link catchUp} (the cache does when its record is deleted or expired).
   */
  lookup(key: string): { offset: number; length: number } | undefined {
    return this.table.get(key) ?? (this.catchUp() ? this.table.get(key) : undefined);
  }

  /** Reads `length` bytes at `offset` (a record found by {@link lookup}). */
  read(offset: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    readFully(this.descriptor(true)!, buffer, length, offset);
    return buffer;
  }

  /**
   * Appends one encoded record for `key` and indexes it. When the file was removed or replaced meanwhile (another
   * process's `clear`, `prune` or `verify`), the record went to a file no one will read: the pack is opened again
   * and the record written once more.
   */
  append(key: string, record: Buffer): void {
    const fd = this.descriptor(true)!;
    const written = writeSync(fd, record);
    if (written !== record.length) {
      throw Object.assign(new Error(`short write to ${this.path} (${written} of ${record.length} bytes)`), {
        code: 'ESHORTWRITE',
      });
    }
    const { size, nlink } = fstatSync(fd);
    if (nlink === 0) {
      this.close();
      this.append(key, record);
      return;
    }
    if (size - record.length === this.scanned) {
      // Nobody else appended since our last look: the record is at the old end.
      this.table.set(key, this.scanned, record.length);
      this.scanned = size;
      this.sizeAtScan = size;
    } else {
      this.scanTo(fd, size);
    }
  }

  /** Every valid record of the file in order, read from disk (for maintenance; also re-indexes the file). */
  *records(onSkip?: (from: number, to: number) => void): Generator<ScannedRecord> {
    const fd = this.descriptor(false);
    if (fd === undefined) return;
    const size = fstatSync(fd).size;
    yield* scanRecords(
      fd,
      0,
      size,
      (stoppedAt) => {
        if (stoppedAt < size) onSkip?.(stoppedAt, size);
      },
      onSkip,
    );
  }

  /** Forgets the index and closes the file; the next call opens it again. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.table.clear();
    this.scanned = 0;
    this.sizeAtScan = -1;
  }

  /** Catches up with records appended since the last scan. Returns whether anything new was indexed. */
  catchUp(): boolean {
    const fd = this.descriptor(false);
    if (fd === undefined) return false;
    const size = fstatSync(fd).size;
    if (size <= this.scanned || size === this.sizeAtScan) return false;
    return this.scanTo(fd, size);
  }

  private scanTo(fd: number, size: number): boolean {
    let found = false;
    const onEnd = (stoppedAt: number) => {
      this.scanned = stoppedAt;
    };
    for (const { offset, header, buffer } of scanRecords(fd, this.scanned, size, onEnd)) {
      const key = entryKeyOf(buffer, header);
      this.table.set(key, offset, header.total);
      found = true;
    }
    this.sizeAtScan = size;
    return found;
  }

  /** The open descriptor; opens (creating the file when `create`) on first use. */
  private descriptor(create: boolean): number | undefined {
    if (this.fd !== undefined) return this.fd;
    if (!create && !statSync(this.path, { throwIfNoEntry: false })) return undefined;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 }); // prompts and answers: owner only
    this.fd = openSync(this.path, 'a+', 0o600);
    return this.fd;
  }
}

/** The entry key (after the namespace and NUL) of a record's storage key. */
export function entryKeyOf(buffer: Buffer, header: RecordHeader): string {
  const nul = buffer.indexOf(0, header.keyStart);
  const start = nul === -1 || nul >= header.keyEnd ? header.keyStart : nul + 1;
  return buffer.toString('utf8', start, header.keyEnd);
}

/** The storage key (`namespace NUL key`) of a record. */
export function storageKeyOf(buffer: Buffer, header: RecordHeader): string {
  return buffer.toString('utf8', header.keyStart, header.keyEnd);
}

/**
 * Yields the valid records in [from, to) of the file. Bytes that are not a valid record (torn or damaged) are skipped
 * up to the next valid record; an invalid tail with no valid record after it (possibly a record another process is
 * writing right now) stops the scan there. `onEnd` receives the position up to which the file was consumed;
 * `onSkip` each skipped range.
 */
function* scanRecords(
  fd: number,
  from: number,
  to: number,
  onEnd: (stoppedAt: number) => void,
  onSkip?: (from: number, to: number) => void,
): Generator<ScannedRecord> {
  let buffer = Buffer.alloc(0);
  let start = 0; // file position of buffer[0]
  /** Makes `buffer` cover [at, at + n) when the file has those bytes. */
  const cover = (at: number, n: number): boolean => {
    if (at + n > to) return false;
    if (at >= start && at + n <= start + buffer.length) return true;
    const length = Math.min(to - at, Math.max(n, CHUNK_BYTES));
    buffer = Buffer.allocUnsafe(length);
    readFully(fd, buffer, length, at);
    start = at;
    return true;
  };
  const validAt = (at: number): RecordHeader | undefined => {
    if (!cover(at, HEADER_BYTES)) return undefined;
    const total = claimedLength(buffer, at - start);
    if (total < HEADER_BYTES || !cover(at, total)) return undefined;
    return checkRecord(buffer, at - start, total);
  };
  /** The next position after `at` where a valid record starts, or -1. */
  const nextValid = (at: number): number => {
    let from = at;
    while (cover(from, Math.min(MAGIC_BYTES.length, to - from)) && to - from >= MAGIC_BYTES.length) {
      cover(from, Math.min(CHUNK_BYTES, to - from));
      const found = buffer.indexOf(MAGIC_BYTES, from - start);
      if (found === -1) {
        const scannedUpTo = start + buffer.length - (MAGIC_BYTES.length - 1);
        if (scannedUpTo <= from) return -1;
        from = scannedUpTo;
        continue;
      }
      const candidate = start + found;
      if (validAt(candidate)) return candidate;
      from = candidate + 1;
    }
    return -1;
  };

  let position = from;
  while (position < to) {
    const header = validAt(position);
    if (header) {
      yield { offset: position, header, buffer, at: position - start };
      position += header.total;
      continue;
    }
    const next = nextValid(position + 1);
    if (next === -1) break;
    onSkip?.(position, next);
    position = next;
  }
  onEnd(position);
}

function readFully(fd: number, buffer: Buffer, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const read = readSync(fd, buffer, done, length - done, position + done);
    if (read === 0) throw Object.assign(new Error('unexpected end of pack file'), { code: 'ESHORTREAD' });
    done += read;
  }
}
