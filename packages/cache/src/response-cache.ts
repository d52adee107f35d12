import { readFileSync } from 'node:fs';
import cacache from 'cacache';
import {
  contentPath,
  isNotFound,
  matchesIntegrity,
  readBucket,
  readBucketSync,
  type IndexRecord,
} from './cacache-layout';
import { createCacacheWriter } from './cacache-writer';
import { systemClock, type Clock } from './clock';
import { InvalidCacheEntryError } from './errors';
import { stderrLogger, type Logger } from './logger';
import { count, isExpired, listEntries, namespaceOf, removeEntries, removeIndexEntry } from './maintenance';
import { MemoryLru } from './memory-lru';
import { namespacePrefix, storageKey } from './storage-key';
import type { CacheEntry, CacheStats, CacheVerifyReport, NamespaceStats, ResponseCache } from './types';

/** Options for {@link createResponseCache}. */
export interface ResponseCacheOptions {
  /** The cacache directory (MaxLLM uses `$MAXLLM_HOME/cache`). Created on first write. */
  dir: string;
  /**
   * Time source for TTLs, entry times and `prune`.
   * @default the system clock
   */
  clock?: Clock;
  /**
   * How many recently read or written entries the memory layer keeps (0 disables it).
   * @default 10000
   */
  memoryEntries?: number;
  /**
   * Upper bound on the JSON text the memory layer keeps.
   * @unit UTF-16 code units (≈ bytes for ASCII JSON)
   * @default 67108864 (64 Mi)
   */
  memoryBytes?: number;
  /**
   * Default time to live of new entries; `set(..., { ttlMs })` overrides it.
   * @unit ms
   * @default undefined (entries never expire)
   */
  ttlMs?: number;
  /**
   * Receives a warning for each corrupt entry found and removed.
   * @default warnings and errors to stderr
   */
  logger?: Logger;
}

/** Entries above this size are read through cacache's streaming reader instead of one synchronous read. */
const syncReadLimit = 1024 * 1024;

/**
 * Creates the response cache over a cacache directory. Reads go memory LRU → synchronous read of cacache's index
 * bucket and content file (integrity checked every time) → miss; a miss in memory always looks at the disk, so
 * another process's fresh write is found. Writes go straight to cacache's layout (atomic rename of the content file,
one appended index line, a handful of synchronous file-system calls; see `cacache-writer.ts`).
 */
export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const { dir, clock = systemClock, logger = stderrLogger, ttlMs: defaultTtlMs } = options;
  const memory = new MemoryLru(options.memoryEntries ?? 10_000, options.memoryBytes ?? 64 * 1024 * 1024);
  const writer = createCacacheWriter(dir);

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
    memory.delete(record.key);
    await removeIndexEntry(dir, record.key);
    await cacache.rm.content(dir, record.integrity);
    report(record.key, reason);
    return undefined;
  }

  function report(key: string, reason: string): void {
    const [namespace, entryKey] = key.split('\u0000');
    logger.warn(
      `@maxllm/cache: entry ${entryKey} in namespace ${namespace} in ${dir} was corrupt (${reason}); removed`,
    );
  }

  async function get(namespace: string, key: string): Promise<CacheEntry | undefined> {
    const fullKey = storageKey(namespace, key);
    const now = clock.now();
    const remembered = memory.get(fullKey);
    if (remembered && !isExpired(remembered.expiresAt, now)) return JSON.parse(remembered.text) as CacheEntry;
    // Expired in memory: another process may have stored a fresh answer since, so look at the disk.
    if (remembered) memory.delete(fullKey);
    const record = await lookup(fullKey);
    if (record === undefined) return undefined;
    const expiresAt = record.metadata?.expiresAt;
    if (isExpired(expiresAt, now)) return undefined;
    const data = await readContent(record);
    if (data === 'missing') return removeCorrupt(record, 'content file missing');
    if (data === 'corrupt') return removeCorrupt(record, 'content failed its integrity check');
    const text = data.toString('utf8');
    const entry = parseEntry(text);
    if (entry === undefined) return removeCorrupt(record, 'content is not a cache entry');
    memory.set(fullKey, { text, expiresAt });
    return entry;
  }

  function set(
    namespace: string,
    key: string,
    entry: CacheEntry,
    setOptions: { ttlMs?: number } = {},
  ): Promise<void> {
    // Synchronous file-system calls (a handful) cost less than thread-pool hand-offs; a throw becomes a rejection.
    return new Promise((resolve) => {
      setSync(namespace, key, entry, setOptions);
      resolve();
    });
  }

  function setSync(namespace: string, key: string, entry: CacheEntry, setOptions: { ttlMs?: number }): void {
    const fullKey = storageKey(namespace, key);
    const text = serialiseEntry(entry, namespace);
    const ttlMs = setOptions.ttlMs ?? defaultTtlMs;
    if (ttlMs !== undefined && !(ttlMs > 0)) {
      throw new InvalidCacheEntryError(
        `ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}`,
      );
    }
    const now = clock.now();
    const expiresAt = ttlMs === undefined ? undefined : now + ttlMs;
    writer.put(fullKey, Buffer.from(text, 'utf8'), { metadata: { namespace, expiresAt }, time: now });
    memory.set(fullKey, { text, expiresAt });
  }

  async function stats(): Promise<CacheStats> {
    const now = clock.now();
    const totals: CacheStats = { entries: 0, bytes: 0, expired: 0, namespaces: {} };
    for (const record of await listEntries(dir)) {
      const namespace = namespaceOf(record);
      const perNamespace: NamespaceStats = (totals.namespaces[namespace] ??= {
        entries: 0,
        bytes: 0,
        expired: 0,
      });
      count(totals, record, now);
      count(perNamespace, record, now);
    }
    return totals;
  }

  async function clear(namespace?: string): Promise<void> {
    if (namespace === undefined) {
      memory.clear();
      writer.forgetFolders();
      await cacache.rm.all(dir);
      return;
    }
    const prefix = namespacePrefix(namespace);
    memory.deleteWhere((key) => key.startsWith(prefix));
    const records = (await listEntries(dir)).filter((record) => record.key.startsWith(prefix));
    await removeEntries(dir, records);
  }

  async function prune(pruneOptions: { olderThan?: number } = {}): Promise<number> {
    const now = clock.now();
    const { olderThan } = pruneOptions;
    const records = (await listEntries(dir)).filter(
      (record) =>
        isExpired(record.metadata?.expiresAt, now) ||
        (olderThan !== undefined && record.time < now - olderThan),
    );
    for (const record of records) memory.delete(record.key);
    await removeEntries(dir, records);
    return records.length;
  }

  return {
    get,
    set,
    async delete(namespace, key) {
      const fullKey = storageKey(namespace, key);
      memory.delete(fullKey);
      await removeIndexEntry(dir, fullKey);
    },
    stats,
    async verify() {
      memory.clear();
      return (await cacache.verify(dir)) as CacheVerifyReport;
    },
    clear,
    prune,
    close() {
      memory.clear();
      return Promise.resolve();
    },
  };
}

function parseEntry(text: string): CacheEntry | undefined {
  try {
    const value = JSON.parse(text) as Partial<CacheEntry> | null;
    const isEntry =
      typeof value === 'object' && value !== null && 'response' in value && typeof value.meta === 'object';
    return isEntry ? (value as CacheEntry) : undefined;
  } catch {
    return undefined;
  }
}

function serialiseEntry(entry: CacheEntry, namespace: string): string {
  const meta = (entry as Partial<CacheEntry> | null)?.meta;
  if (entry?.response === undefined || typeof meta !== 'object' || meta === null) {
    throw new InvalidCacheEntryError(
      `Cache entry for namespace ${namespace} needs a response and a meta object`,
    );
  }
  try {
    return JSON.stringify(entry);
  } catch (cause) {
    throw new InvalidCacheEntryError(`Cache entry for namespace ${namespace} is not JSON-serialisable`, {
      cause,
    });
  }
}
