import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/**
 * Version of the key format (canonical JSON + SHA-256). It prefixes every key and is stored in each entry's
 * `meta.keyVersion`; bumping it makes every old entry unreachable instead of misread.
 */
export const CACHE_KEY_VERSION = 1;

/**
 * The cache key of `input`: `v1-` followed by the hex SHA-256 of {@link canonicalJson}(input).
 * The caller decides what goes into `input` (for `complete()`, `@maxllm/request` assembles endpoint, base URL, body
 * and request flag); equal inputs, whatever their key order or object identity, give equal keys.
 * @throws CacheKeyError when `input` holds a value JSON cannot represent faithfully.
 */
export function cacheKey(input: unknown): string {
  return `v${CACHE_KEY_VERSION}-${hash('sha256', canonicalJson(input), 'hex')}`;
}
