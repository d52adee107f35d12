/** Metadata stored with every answer. */
export interface CacheEntryMeta {
  /** When the answer was made. @unit ms since the epoch */
  createdAt: number;
  /** API model id that answered. */
  model: string;
  /** The response's `usage` block as the API returned it, if any. */
  usage?: unknown;
  /** {@link CACHE_KEY_VERSION} of the key the entry was stored under. */
  keyVersion: number;
}

/** What the cache stores: the API's JSON response as returned (never a class instance) plus small metadata. */
export interface CacheEntry {
  /** The response body as the API returned it (plain JSON). */
  response: unknown;
  /** Small metadata. */
  meta: CacheEntryMeta;
}

/** Options for {@link ResponseCache.set}. */
export interface CacheSetOptions {
  /**
   * Time to live: after this long the entry reads as a miss, and `prune()` removes it.
   * @unit ms
   * @default the cache's `ttlMs` (no expiry)
   */
  ttlMs?: number;
}

/** Entry count and size of one namespace. */
export interface NamespaceStats {
  /** Entries, expired ones included. */
  entries: number;
  /** Sum of the stored JSON sizes. @unit bytes */
  bytes: number;
  /** Entries whose TTL has passed (removed by the next `prune()`). */
  expired: number;
}

/** Result of {@link ResponseCache.stats}. */
export interface CacheStats extends NamespaceStats {
  /** The same figures per namespace (model unique name). */
  namespaces: Record<string, NamespaceStats>;
}

/** Result of {@link ResponseCache.verify}: `cacache.verify`'s report, with the pack files' records counted in. */
export interface CacheVerifyReport {
  /** Content files whose integrity checked out. */
  verifiedContent: number;
  /** Content files removed (corrupt or unreferenced). */
  reclaimedCount: number;
  /** Bytes removed. @unit bytes */
  reclaimedSize: number;
  /** Content files that failed their integrity check. */
  badContentCount: number;
  /** Bytes kept. @unit bytes */
  keptSize: number;
  /** Index entries whose content was missing (removed). */
  missingContent: number;
  /** Index entries removed. */
  rejectedEntries: number;
  /** Index entries seen. */
  totalEntries: number;
}

/** Result of {@link ResponseCache.exportTo} and {@link ResponseCache.importFrom}. */
export interface CacheTransferReport {
  /** Entries copied. */
  entries: number;
  /** Sum of their JSON sizes. @unit bytes */
  bytes: number;
}

/** Options for {@link ResponseCache.prune}. */
export interface PruneOptions {
  /**
   * Remove entries stored more than this long ago. Expired entries are always removed.
   * @unit ms
   * @default only expired entries are removed
   */
  olderThanMs?: number;
}

/**
 * Where entries live: the seam a second backend would implement. Every implementation passes the shared
 * contract suite (`describeCacheStoreContract` in `src/test-cache-store-contract.ts`). The pack files behind
 * {@link ResponseCache} are the one implementation today.
 */
export interface CacheStore {
  /**
   * The entry stored under `key`, or `undefined` on a miss. An expired entry is a miss; a corrupt one (content that
   * fails its integrity check, a damaged index line, JSON that is not an entry) is removed and is a miss. Each call
   * returns a fresh copy.
   * @throws InvalidNamespaceError when `namespace` is empty or holds a NUL character, or `key` is empty.
   */
  get(namespace: string, key: string): Promise<CacheEntry | undefined>;
  /**
   * Stores (or overwrites) the entry under `key`. Durable once the promise resolves: the entry is in the pack file
   * (a kill of the process from then on cannot lose it) and visible to other processes.
   * @throws InvalidNamespaceError for a bad namespace or key; InvalidCacheEntryError for an entry without a
   * `response` and a `meta` object, one that is not JSON, or a `ttlMs` that is not a positive number.
   */
  set(namespace: string, key: string, entry: CacheEntry, options?: CacheSetOptions): Promise<void>;
  /** Removes one entry (no error when absent). */
  delete(namespace: string, key: string): Promise<void>;
  /** Removes every entry of `namespace`, or the whole cache when omitted. */
  clear(namespace?: string): Promise<void>;
  /** Releases files and memory; the store stays usable (the next call opens what it needs again). */
  close(): Promise<void>;
}

/**
 * The response cache: one namespace per model unique name, keys from {@link cacheKey}. A {@link CacheStore} (the
 * pack files, with a memory layer in front and cacache-layout entries of 0.1 migrated on read) plus maintenance.
 */
export interface ResponseCache extends CacheStore {
  /** Entries and bytes, in total and per namespace (reads the whole index: for the CLI, not a hot path). */
  stats(): Promise<CacheStats>;
  /**
   * Checks every record of every pack file (length and CRC) and rewrites each pack with only the newest valid record
   * per key (dropping torn or damaged bytes, superseded records and deletions); runs `cacache.verify` on entries an
   * older version stored in cacache's layout. Run it while no other process writes to the cache.
   */
  verify(): Promise<CacheVerifyReport>;
  /**
   * Removes expired entries and, with `olderThanMs`, entries stored before `now - olderThanMs`. Returns the count.
   * @throws InvalidCacheOptionError for the old name `olderThan` (the message names `olderThanMs`).
   */
  prune(options?: PruneOptions): Promise<number>;
  /**
   * Copies every live, unexpired entry into the cacache directory `dir` in cacache's own format (what `cacache.get`,
   * `cacache.ls` and `@maxllm/cache` 0.1 read). For backups, other tools, or going back to an older version.
   */
  exportTo(dir: string): Promise<CacheTransferReport>;
  /**
   * Copies every entry of the cacache directory `dir` (as `exportTo` or `@maxllm/cache` 0.1 wrote it) into this
   * cache, overwriting entries with the same key; content cacache finds corrupt is an error. Entries an older version
   * left in this cache's own directory need no import: they are read (and moved into the pack) on first use.
   */
  importFrom(dir: string): Promise<CacheTransferReport>;
  /** Drops the in-memory layer and closes the pack files. The disk store stays; the cache remains usable. */
  close(): Promise<void>;
}
