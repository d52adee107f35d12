import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import cacache from 'cacache';
import {
  contentPath,
  isNotFound,
  matchesIntegrity,
  readBucket,
  readBucketSync,
  type IndexRecord,
} from './cacache-layout';
import { removeIndexEntry } from './maintenance';
import type { CacheEntry } from './types';

/** Entries above this size are read through cacache's streaming reader instead of one synchronous read. */
const syncReadLimit = 1024 * 1024;

/** An entry read from a cacache directory, with what it was stored with. */
export interface LegacyHit {
  entry: CacheEntry;
  text: string;
  time: number;
  expiresAt: number | undefined;
}

/**
 * Reads entries stored in cacache's layout (what `@maxllm/cache` 0.1 wrote, and the import / export format), with
 * cacache's checks: SHA-1 of the index line, size and SRI integrity of the content. A corrupt entry is removed from
 * the cacache directory and reported through `report`, and reads as a miss.
 */
export interface LegacyReader {
  /** Whether the directory holds a cacache index at all (checked once). */
  readonly present: boolean;
  get(fullKey: string, isExpired: (expiresAt: number | undefined) => boolean): Promise<LegacyHit | undefined>;
}

/** A {@link LegacyReader} over the cacache directory `dir`. */
export function createLegacyReader(
  dir: string,
  report: (fullKey: string, reason: string) => void,
): LegacyReader {
  let present: boolean | undefined;

  async function lookup(key: string): Promise<IndexRecord | undefined> {
    let found = readBucketSync(dir, key);
    if (found?.damaged) {
      // A line may look damaged only because another process is appending it right now: read once more.
      found = await readBucket(dir, key);
      if (found?.damaged) {
        await cacache.index.compact(dir, key, (a, b) => a.key === b.key);
        report(key, 'damaged index line');
        return undefined;
      }
    }
    return found?.record;
  }

  async function readContent(record: IndexRecord): Promise<Buffer | 'missing' | 'corrupt'> {
    const file =
      record.size !== undefined && record.size <= syncReadLimit && contentPath(dir, record.integrity);
    try {
      if (!file) return await cacache.get.byDigest(dir, record.integrity, { size: record.size });
      const data = readFileSync(file);
      return data.length === record.size && matchesIntegrity(data, record.integrity) ? data : 'corrupt';
    } catch (error) {
      if (isNotFound(error)) return 'missing';
      const code = (error as { code?: unknown }).code;
      if (code === 'EINTEGRITY' || code === 'EBADSIZE') return 'corrupt';
      throw error;
    }
  }

  async function removeCorrupt(record: IndexRecord, reason: string): Promise<undefined> {
    await removeIndexEntry(dir, record.key);
    await cacache.rm.content(dir, record.integrity);
    report(record.key, reason);
    return undefined;
  }

  return {
    get present() {
      present ??= existsSync(join(dir, 'index-v5'));
      return present;
    },
    async get(fullKey, isExpired) {
      const record = await lookup(fullKey);
      if (record === undefined) return undefined;
      const expiresAt = record.metadata?.expiresAt;
      if (isExpired(expiresAt)) return undefined;
      const data = await readContent(record);
      if (data === 'missing') return removeCorrupt(record, 'content file missing');
      if (data === 'corrupt') return removeCorrupt(record, 'content failed its integrity check');
      const text = data.toString('utf8');
      const entry = parseEntry(text);
      if (entry === undefined) return removeCorrupt(record, 'content is not a cache entry');
      return { entry, text, time: record.time, expiresAt };
    },
  };
}

/** `text` parsed as a {@link CacheEntry}, or `undefined` when it is not one. */
export function parseEntry(text: string): CacheEntry | undefined {
  try {
    const value = JSON.parse(text) as Partial<CacheEntry> | null;
    const isEntry =
      typeof value === 'object' && value !== null && 'response' in value && typeof value.meta === 'object';
    return isEntry ? (value as CacheEntry) : undefined;
  } catch {
    return undefined;
  }
}
