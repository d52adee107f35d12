/** Whether a call may read the cache and whether it may write its answer. */
export interface CachePolicy {
  /** Look the key up before calling the API. */
  read: boolean;
  /** Store a successful, cacheable answer. */
  write: boolean;
}

/** Options for {@link cachePolicy}. */
export interface CachePolicyOptions {
  /**
   * Bypass the cache entirely for this call: no read, no write (the original's `force=True`).
   * @default false
   */
  force?: boolean;
  /**
   * Refresh: skip the read but store (overwrite) the new answer (the original's `RECACHE_FLAG=1`).
   * @default false
   */
  recache?: boolean;
}

/** `force` → no read, no write; `recache` → no read, write; otherwise read and write. `force` wins over `recache`. */
export function cachePolicy(options: CachePolicyOptions = {}): CachePolicy {
  if (options.force) return { read: false, write: false };
  if (options.recache) return { read: false, write: true };
  return { read: true, write: true };
}

/** `true` when `RECACHE_FLAG` is `"1"`, `"true"` or `"True"` (the original's accepted spellings), else `false`. */
export function recacheFromEnv(env: Record<string, string | undefined> = process.env): boolean {
  const value = env.RECACHE_FLAG;
  return value === '1' || value === 'true' || value === 'True';
}
