import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { storageKeyOf, type PackFile } from './pack-file';

/** The newest record of one key in a pack file. */
export interface LiveRecord {
  offset: number;
  /** Record length, header included. @unit bytes */
  total: number;
  /** Length of the entry's JSON. @unit bytes */
  payloadBytes: number;
  time: number;
  expiresAt: number | undefined;
  tombstone: boolean;
}

/** What a full read of a pack file found. */
export interface PackSummary {
  /** Newest record per storage key (tombstones included). */
  newest: Map<string, LiveRecord>;
  /** Valid records read, superseded ones included. */
  records: number;
  /** Ranges of bytes that were not valid records (torn or damaged), and their total size. */
  badRanges: number;
  badBytes: number;
}

/** Reads the whole pack file once. */
export function summarise(pack: PackFile): PackSummary {
  const summary: PackSummary = { newest: new Map(), records: 0, badRanges: 0, badBytes: 0 };
  const onSkip = (from: number, to: number) => {
    summary.badRanges++;
    summary.badBytes += to - from;
  };
  for (const { offset, header, buffer } of pack.records(onSkip)) {
    summary.records++;
    summary.newest.set(storageKeyOf(buffer, header), {
      offset,
      total: header.total,
      payloadBytes: header.total - (header.keyEnd - header.keyStart) - 32,
      time: header.time,
      expiresAt: header.expiresAt,
      tombstone: header.tombstone,
    });
  }
  return summary;
}

/** Result of {@link rewrite}. */
export interface RewriteResult {
  keptRecords: number;
  keptBytes: number;
  droppedBytes: number;
}

/**
 * Rewrites the pack file with only the newest record of each key for which `keep` says yes (never tombstones):
 * written to a temp file beside it, then renamed over it, so a crash leaves the old file or the new one. A process
 * appending to the old file meanwhile loses those appends (they become misses): run it while no other process writes.
 */
export function rewrite(
  pack: PackFile,
  summary: PackSummary,
  keep: (key: string, record: LiveRecord) => boolean,
): RewriteResult {
  const keepOffsets = new Set<number>();
  for (const [key, record] of summary.newest) {
    if (!record.tombstone && keep(key, record)) keepOffsets.add(record.offset);
  }
  const temp = `${pack.path}.${randomUUID()}.tmp`;
  const result: RewriteResult = { keptRecords: 0, keptBytes: 0, droppedBytes: 0 };
  const fd = openSync(temp, 'wx', 0o600);
  try {
    for (const { offset, header, buffer, at } of pack.records()) {
      if (!keepOffsets.has(offset)) {
        result.droppedBytes += header.total;
        continue;
      }
      writeAll(fd, buffer.subarray(at, at + header.total));
      result.keptRecords++;
      result.keptBytes += header.total;
    }
    closeSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  result.droppedBytes += summary.badBytes;
  renameSync(temp, pack.path);
  pack.close();
  return result;
}

function writeAll(fd: number, data: Buffer): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done);
}
