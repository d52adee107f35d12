import { stderrLogger, systemClock, type Clock, type Logger } from '@maxllm/core';
import { hash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import cacache from 'cacache';
import { createCacacheWriter } from './cacache-writer';
import { InvalidCacheEntryError, InvalidCacheOptionError } from './errors';
import { createLegacyReader, parseEntry } from './legacy-store';
import { count, isExpired, listEntries, namespaceOf, removeEntries, removeIndexEntry } from './maintenance';
import { MemoryLru } from './memory-lru';
import { PackFile, storageKeyOf } from './pack-file';
import { rewrite, summarise, type LiveRecord } from './pack-maintenance';
import { checkRecord, encodeRecord } from './pack-record';
import { namespacePrefix, storageKey } from './storage-key';
import type {
  CacheEntry,
  CacheStats,
  CacheTransferReport,
  CacheVerifyReport,
  NamespaceStats,
  PruneOptions,
  ResponseCache,
} from './types';

/** Options for {@link createResponseCache}. */
export interface ResponseCacheOptions {
  /** The cache directory (MaxLLM uses `$MAXLLM_HOME/cache`). Created on first write. */
  dir: string;
  /**
   * Time source for TTLs, entry times and `prune`.
   * @default the system clock
   */
  clock?: Clock;
  /**
   * How many recently read entries the memory layer keeps (0 disables it), within `memoryBytes`. A write is not
   * remembered: its first read comes from the pack. 100k entries of a short chat answer are ~45 MB of heap.
   * @default 100000
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

/** Folder of the pack files inside the cache directory. */
const PACK_FOLDER = 'pack-v1';

/**
 * Creates the response cache over a directory. Entries live in one append-only pack file per namespace
 * (`<dir>/pack-v1/<sha256 of the namespace>.pack`, see `pack-file.ts`), indexed in memory; a write is one `write`
 * call on an open file. Reads go memory LRU → the pack (one `pread`, CRC checked every time) → entries an older
 * version stored in cacache's layout in the same directory (served, and copied into the pack: the migration) → miss.
 * A key the index does not know makes the pack catch up with other processes' appends first, so another process's
 * fresh write is found.
 */
export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const { dir, clock = systemClock, logger = stderrLogger, ttlMs: defaultTtlMs } = options;
  const memory = new MemoryLru(
    sizeOption('memoryEntries', options.memoryEntries, 100_000),
    sizeOption('memoryBytes', options.memoryBytes, 64 * 1024 * 1024),
  );
  const packFolder = join(dir, PACK_FOLDER);
  const packs = new Map<string, PackFile>();
  const legacy = createLegacyReader(dir, (fullKey, reason) => {
    memory.delete(fullKey);
    report(fullKey, reason);
  });

  function packAt(path: string): PackFile {
    let pack = packs.get(path);
    if (!pack) packs.set(path, (pack = new PackFile(path)));
    return pack;
  }

  const byNamespace = new Map<string, PackFile>();
  function packOf(namespace: string): PackFile {
    let pack = byNamespace.get(namespace);
    if (!pack) {
      pack = packAt(join(packFolder, `${hash('sha256', namespace, 'hex').slice(0, 32)}.pack`));
      byNamespace.set(namespace, pack);
    }
    return pack;
  }

  /** Every pack file on disk (for maintenance). */
  function allPacks(): PackFile[] {
    let names: string[];
    try {
      names = readdirSync(packFolder);
    } catch {
      return [];
    }
    return names.filter((name) => name.endsWith('.pack')).map((name) => packAt(join(packFolder, name)));
  }

  function report(key: string, reason: string): void {
    const [namespace, entryKey] = key.split('\u0000');
    logger.warn(
      `@maxllm/cache: entry ${entryKey} in namespace ${namespace} in ${dir} was corrupt (${reason}); removed`,
    );
  }

  function append(
    namespace: string,
    key: string,
    fullKey: string,
    text: string | undefined,
    time: number,
    expiresAt: number | undefined,
  ): void {
    packOf(namespace).append(key, encodeRecord(fullKey, text, time, expiresAt));
  }

  /** The entry in the pack: an entry, `null` when the pack says it is deleted, or `undefined` when it has none. */
  function readPack(
    namespace: string,
    key: string,
    fullKey: string,
    now: number,
  ): CacheEntry | null | undefined {
    const pack = packOf(namespace);
    const found = readPackOnce(pack, namespace, key, fullKey, now);
    // Deleted or expired here: another process may have stored a fresh answer since.
    return found === null && pack.catchUp() ? readPackOnce(pack, namespace, key, fullKey, now) : found;
  }

  function readPackOnce(
    pack: PackFile,
    namespace: string,
    key: string,
    fullKey: string,
    now: number,
  ): CacheEntry | null | undefined {
    const place = pack.lookup(key);
    if (place === undefined) return undefined;
    const record = pack.read(place.offset, place.length);
    const header = checkRecord(record, 0, record.length);
    if (header === undefined) {
      append(namespace, key, fullKey, undefined, now, undefined); // a tombstone: the next read is a quiet miss
      report(fullKey, 'record failed its CRC check');
      return null;
    }
    if (storageKeyOf(record, header) !== fullKey) return undefined; // two keys with one 64-bit hash: a miss
    if (header.tombstone || isExpired(header.expiresAt, now)) return null;
    const text = record.toString('utf8', header.keyEnd, header.total);
    const entry = parseEntry(text);
    if (entry === undefined) {
      append(namespace, key, fullKey, undefined, now, undefined);
      report(fullKey, 'content is not a cache entry');
      return null;
    }
    memory.set(fullKey, { text, expiresAt: header.expiresAt });
    return entry;
  }

  async function get(namespace: string, key: string): Promise<CacheEntry | undefined> {
    const fullKey = storageKey(namespace, key);
    const now = clock.now();
    const remembered = memory.get(fullKey);
    if (remembered && !isExpired(remembered.expiresAt, now)) return JSON.parse(remembered.text) as CacheEntry;
    // Expired in memory: another process may have stored a fresh answer since, so look at the disk.
    if (remembered) memory.delete(fullKey);
    const packed = readPack(namespace, key, fullKey, now);
    if (packed !== undefined) return packed ?? undefined;
    if (!legacy.present) return undefined;
    const old = await legacy.get(fullKey, (expiresAt) => isExpired(expiresAt, now));
    if (old === undefined) return undefined;
    // Migration: the entry moves into the pack (with its time and expiry); the cacache copy stays for older versions.
    append(namespace, key, fullKey, old.text, old.time, old.expiresAt);
    memory.set(fullKey, { text: old.text, expiresAt: old.expiresAt });
    return old.entry;
  }

  function set(
    namespace: string,
    key: string,
    entry: CacheEntry,
    setOptions: { ttlMs?: number } = {},
  ): Promise<void> {
    // One synchronous `write` costs less than a thread-pool hand-off; a throw becomes a rejection.
    return new Promise((resolve) => {
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
      append(namespace, key, fullKey, text, now, expiresAt);
      // Not remembered: most answers written in a run are never read back by it, and holding each one in the memory
      // layer until it is evicted made every miss's text old-generation garbage (GC was the largest extra cost of a
      // miss over the raw SDK, `bench/NOTES.md`). A read of it comes from the pack (one `pread`), then is remembered.
      memory.delete(fullKey);
      resolve();
    });
  }

  /** Newest pack record of every key, and the cacache entries the packs do not shadow. */
  async function inventory(): Promise<{
    packed: Array<[string, LiveRecord]>;
    old: Awaited<ReturnType<typeof listEntries>>;
  }> {
    const packed: Array<[string, LiveRecord]> = [];
    for (const pack of allPacks()) packed.push(...summarise(pack).newest);
    const shadowed = new Set(packed.map(([key]) => key));
    const old = legacy.present ? (await listEntries(dir)).filter((record) => !shadowed.has(record.key)) : [];
    return { packed: packed.filter(([, record]) => !record.tombstone), old };
  }

  async function stats(): Promise<CacheStats> {
    const now = clock.now();
    const totals: CacheStats = { entries: 0, bytes: 0, expired: 0, namespaces: {} };
    const add = (namespace: string, record: Parameters<typeof count>[1]) => {
      const perNamespace: NamespaceStats = (totals.namespaces[namespace] ??= {
        entries: 0,
        bytes: 0,
        expired: 0,
      });
      count(totals, record, now);
      count(perNamespace, record, now);
    };
    const { packed, old } = await inventory();
    for (const [key, record] of packed) {
      add(namespaceOf({ key }), { size: record.payloadBytes, metadata: { expiresAt: record.expiresAt } });
    }
    for (const record of old) add(namespaceOf(record), record);
    return totals;
  }

  async function clear(namespace?: string): Promise<void> {
    if (namespace === undefined) {
      memory.clear();
      for (const pack of packs.values()) pack.close();
      packs.clear();
      byNamespace.clear();
      rmSync(packFolder, { recursive: true, force: true });
      await cacache.rm.all(dir);
      return;
    }
    const prefix = namespacePrefix(namespace);
    memory.deleteWhere((key) => key.startsWith(prefix));
    const pack = packOf(namespace);
    pack.close();
    rmSync(pack.path, { force: true });
    if (!legacy.present) return;
    const records = (await listEntries(dir)).filter((record) => record.key.startsWith(prefix));
    await removeEntries(dir, records);
  }

  async function prune(pruneOptions: PruneOptions = {}): Promise<number> {
    if ('olderThan' in pruneOptions) {
      throw new InvalidCacheOptionError(
        "prune(): 'olderThan' is now 'olderThanMs' (milliseconds, as before): the unit is in the name.",
      );
    }
    const now = clock.now();
    const { olderThanMs } = pruneOptions;
    const isStale = (time: number, expiresAt: number | undefined) =>
      isExpired(expiresAt, now) || (olderThanMs !== undefined && time < now - olderThanMs);
    let removed = 0;
    for (const pack of allPacks()) {
      const summary = summarise(pack);
      rewrite(pack, summary, (key, record) => {
        if (!isStale(record.time, record.expiresAt)) return true;
        memory.delete(key);
        removed++;
        return false;
      });
    }
    if (!legacy.present) return removed;
    const records = (await listEntries(dir)).filter((record) =>
      isStale(record.time, record.metadata?.expiresAt),
    );
    for (const record of records) memory.delete(record.key);
    await removeEntries(dir, records);
    return removed + records.length;
  }

  async function verify(): Promise<CacheVerifyReport> {
    memory.clear();
    const report: CacheVerifyReport = {
      verifiedContent: 0,
      reclaimedCount: 0,
      reclaimedSize: 0,
      badContentCount: 0,
      keptSize: 0,
      missingContent: 0,
      rejectedEntries: 0,
      totalEntries: 0,
    };
    for (const pack of allPacks()) {
      const summary = summarise(pack);
      const result = rewrite(pack, summary, () => true);
      report.verifiedContent += result.keptRecords;
      report.totalEntries += result.keptRecords;
      report.keptSize += result.keptBytes;
      report.badContentCount += summary.badRanges;
      report.reclaimedCount += summary.records - result.keptRecords + summary.badRanges;
      report.reclaimedSize += result.droppedBytes;
      report.rejectedEntries += summary.badRanges;
    }
    if (legacy.present) {
      const old = (await cacache.verify(dir)) as CacheVerifyReport;
      for (const field of Object.keys(report) as Array<keyof CacheVerifyReport>) {
        if (typeof old[field] === 'number') report[field] += old[field];
      }
    }
    return report;
  }

  async function exportTo(target: string): Promise<CacheTransferReport> {
    const now = clock.now();
    const writer = createCacacheWriter(target);
    const result: CacheTransferReport = { entries: 0, bytes: 0 };
    const put = (key: string, data: Buffer, time: number, expiresAt: number | undefined) => {
      if (isExpired(expiresAt, now)) return;
      writer.put(key, data, { time, metadata: { namespace: namespaceOf({ key }), expiresAt } });
      result.entries++;
      result.bytes += data.length;
    };
    for (const pack of allPacks()) {
      const { newest } = summarise(pack);
      for (const { offset, header, buffer, at } of pack.records()) {
        const key = storageKeyOf(buffer, header);
        if (header.tombstone || newest.get(key)?.offset !== offset) continue;
        put(key, buffer.subarray(header.keyEnd, at + header.total), header.time, header.expiresAt);
      }
    }
    if (target !== dir) {
      for (const record of (await inventory()).old) {
        const { data } = await cacache.get(dir, record.key);
        put(record.key, data, record.time, record.metadata?.expiresAt);
      }
    }
    return result;
  }

  async function importFrom(source: string): Promise<CacheTransferReport> {
    const result: CacheTransferReport = { entries: 0, bytes: 0 };
    for (const record of await listEntries(source)) {
      const nul = record.key.indexOf('\u0000');
      if (nul <= 0) continue; // not a `namespace NUL key` entry: not ours
      const { data } = await cacache.get(source, record.key); // integrity-checked by cacache
      const text = data.toString('utf8');
      if (parseEntry(text) === undefined) continue;
      const namespace = record.metadata?.namespace ?? record.key.slice(0, nul);
      const key = record.key.slice(nul + 1);
      const fullKey = storageKey(namespace, key);
      memory.delete(fullKey);
      append(namespace, key, fullKey, text, record.time, record.metadata?.expiresAt);
      result.entries++;
      result.bytes += data.length;
    }
    return result;
  }

  return {
    get,
    set,
    async delete(namespace, key) {
      const fullKey = storageKey(namespace, key);
      memory.delete(fullKey);
      append(namespace, key, fullKey, undefined, clock.now(), undefined);
      if (legacy.present) await removeIndexEntry(dir, fullKey);
    },
    stats,
    verify,
    clear,
    prune,
    exportTo,
    importFrom,
    close() {
      memory.clear();
      for (const pack of packs.values()) pack.close();
      packs.clear();
      byNamespace.clear();
      return Promise.resolve();
    },
  };
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

/** A size option: a whole number >= 0 (`NaN` or a negative number would leave the memory layer unbounded). */
function sizeOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidCacheOptionError(
      `createResponseCache: ${name} must be a whole number >= 0, got ${String(value)}`,
    );
  }
  return value;
}
