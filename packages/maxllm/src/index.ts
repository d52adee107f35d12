/**
 * maxllm: push tens of thousands of LLM requests through OpenAI-compatible APIs at the rate limit, cached on disk,
 * with every call's tokens and cost in a CSV ledger. This module re-exports, by name, the public API of every
 * `@maxllm/*` package (never `export *`: a name clash must break our build, not a user's).
 * @packageDocumentation
 */

// @maxllm/config: find, validate and resolve maxllm.yaml
export {
  loadConfig,
  parseConfig,
  ConfigError,
  ConfigNotFoundError,
  ConfigParseError,
  ConfigSchemaError,
  MissingEnvVarError,
  ModelNotFoundError,
  redactKey,
  redactUrl,
  matchScore,
  findBestMatch,
  defaultLogger,
  resolveHome,
  homePaths,
} from '@maxllm/config';
export type {
  LoadConfigOptions,
  ParseConfigOptions,
  MaxllmConfig,
  ModelMode,
  ResolvedModel,
  ConfigIssue,
  SourcePosition,
  Logger,
  Env,
  MaxllmPaths,
  ResolveHomeOptions,
} from '@maxllm/config';

// @maxllm/cache: disk response cache
export {
  cacheKey,
  CACHE_KEY_VERSION,
  cachePolicy,
  recacheFromEnv,
  canonicalJson,
  systemClock,
  CacheError,
  CacheKeyError,
  InvalidCacheEntryError,
  InvalidNamespaceError,
  createResponseCache,
  createSingleFlight,
} from '@maxllm/cache';
export type {
  CachePolicy,
  CachePolicyOptions,
  Clock,
  ResponseCacheOptions,
  SingleFlight,
  CacheEntry,
  CacheEntryMeta,
  CacheSetOptions,
  CacheStats,
  CacheVerifyReport,
  NamespaceStats,
  PruneOptions,
  ResponseCache,
} from '@maxllm/cache';

// @maxllm/ledger: CSV ledger, call status, prices
export {
  createLedger,
  priceCall,
  batchPriceFactor,
  resolvePrices,
  priceDataSource,
  emptyModelCallStatus,
  formatCallStatus,
  diffCallStatus,
  summarizeLedger,
  ledgerColumns,
  parseCsvLine,
  LedgerError,
  LedgerClosedError,
  LedgerWriteError,
} from '@maxllm/ledger';
export type {
  Ledger,
  LedgerOptions,
  CallRecord,
  CallUsage,
  PriceOverrides,
  CallCost,
  ResolvedPrices,
  CallStatus,
  ModelCallStatus,
  LedgerSummaryRow,
  SummarizeLedgerOptions,
  LedgerColumn,
} from '@maxllm/ledger';

// @maxllm/request: one request's shape
export {
  RequestError,
  InvalidRequestError,
  OutputValidationError,
  prepareRequest,
  buildMessages,
  contentText,
  normaliseTokenParams,
  zodResponseFormat,
  parseJsonLenient,
  parseStructured,
  extractResult,
  completionText,
  isCacheable,
  readUsage,
  keyInput,
  KEY_INPUT_VERSION,
  UNKEYED_PARAMS,
  snapshot,
} from '@maxllm/request';
export type {
  ChatMessage,
  CompleteRequest,
  Endpoint,
  PreparedRequest,
  RequestTarget,
  Usage,
  PrepareOptions,
  JsonSchemaResponseFormat,
} from '@maxllm/request';

// @maxllm/batch: the OpenAI Batch API as a resumable workflow
export {
  openBatch,
  combineJobStates,
  formatProgress,
  BatchError,
  BatchStateError,
  BatchWorkspaceError,
  BatchRequestError,
  BatchJobFailedError,
  BatchItemMissingError,
  BatchItemError,
  BatchDownloadError,
} from '@maxllm/batch';
export type {
  BatchHandle,
  OpenBatchOptions,
  RetryOptions,
  RetrySummary,
  WaitOptions,
  BatchLimits,
  BatchProgress,
  BatchResult,
  BatchState,
  JobRecord,
  JobStatus,
  RequestCounts,
  TaskRecord,
  BatchCache,
  BatchCacheEntry,
  BatchCallRecord,
  BatchConfig,
  BatchLedger,
  BatchModel,
} from '@maxllm/batch';
