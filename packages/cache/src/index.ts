export { cacheKey, CACHE_KEY_VERSION } from './cache-key';
export { cachePolicy, recacheFromEnv, type CachePolicy, type CachePolicyOptions } from './cache-policy';
export { canonicalJson } from './canonical-json';
export type { Clock, Logger } from '@maxllm/core';
export {
  CacheError,
  CacheKeyError,
  InvalidCacheEntryError,
  InvalidCacheOptionError,
  InvalidNamespaceError,
} from './errors';
export { createResponseCache, type ResponseCacheOptions } from './response-cache';
export { createSingleFlight, type SingleFlight } from './single-flight';
export type {
  CacheEntry,
  CacheEntryMeta,
  CacheSetOptions,
  CacheStats,
  CacheStore,
  CacheTransferReport,
  CacheVerifyReport,
  NamespaceStats,
  PruneOptions,
  ResponseCache,
} from './types';
