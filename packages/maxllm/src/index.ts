/**
 * maxllm: push tens of thousands of LLM requests through OpenAI-compatible APIs at the rate limit, cached on disk,
 * with every call's tokens and cost in a CSV ledger. This entry exports what a user of MaxLLM needs, by name, from
 * the `@maxllm/*` package that owns it (never `export *`: a name clash must break our build, not a user's); every
 * name keeps its package's name. Internals stay in their packages, each of which still exports its whole API.
 * Testing helpers (the mock server, a manual clock) are in `maxllm/testing`.
 *
 * Each `// ##` comment starts an export group; the README's "What `maxllm` exports" has one section per group, with
 * the same names (a test compares them).
 * @packageDocumentation
 */

// ## Calls
export {
  createClient,
  complete,
  stream,
  batchComplete,
  estimate,
  getCallStatus,
  diffCallStatus,
  setRequestFlag,
  getDefaultClient,
  closeDefaultClient,
} from '@maxllm/client';
export type {
  ClientOptions,
  MaxllmClient,
  CompleteResult,
  ResultOf,
  BatchResultOf,
  RawResponse,
  TextStream,
  BatchCompleteOptions,
  BatchItem,
  EstimateOptions,
  RunEstimate,
  ModelEstimate,
  CostEstimate,
  Band,
  OutputMethod,
} from '@maxllm/client';
export type { CompleteRequest, MaxllmOptions, BodyParams, ChatMessage } from '@maxllm/request';

// ## Progress
export { createDefaultProgress, createProgressBar, createLineProgress, silentProgress } from '@maxllm/client';
export type {
  ProgressReporter,
  ProgressSnapshot,
  DefaultProgressOptions,
  ProgressBarOptions,
  LineProgressOptions,
  ProgressStream,
} from '@maxllm/client';

// ## Configuration
export {
  loadConfig,
  findConfig,
  parseConfig,
  resolveHome,
  redactKey,
  redactUrl,
  redactUrlsIn,
} from '@maxllm/config';
export type {
  MaxllmConfig,
  ResolvedModel,
  LoadConfigOptions,
  ParseConfigOptions,
  ConfigLocation,
  ModelMode,
  ChatApi,
  MaxllmPaths,
  ResolveHomeOptions,
  Env,
  BudgetSettings,
  BudgetCapSetting,
} from '@maxllm/config';

// ## Rate limits
export {
  createRateLimiter,
  classifyRateLimit,
  estimateChatTokens,
  estimateTextTokens,
} from '@maxllm/ratelimit';
export type {
  RateLimiter,
  RateLimiterOptions,
  RateLimiterStats,
  AcquireRequest,
  Permit,
  HeadersLike,
  RedisClientLike,
  RateLimitVerdict,
  RateLimitErrorLike,
  ClassifyOptions,
  ChatMessageLike,
  ChatEstimateOptions,
  TextInput,
} from '@maxllm/ratelimit';

// ## Cache
export { createResponseCache, cachePolicy, recacheFromEnv } from '@maxllm/cache';
export type {
  ResponseCache,
  CacheStore,
  ResponseCacheOptions,
  CacheEntry,
  CacheEntryMeta,
  CacheSetOptions,
  CacheStats,
  NamespaceStats,
  CacheVerifyReport,
  CacheTransferReport,
  PruneOptions,
  CachePolicy,
  CachePolicyOptions,
} from '@maxllm/cache';

// ## Ledger, usage and budgets
export {
  readLedgerRows,
  ledgerColumns,
  summarizeLedger,
  formatCallStatus,
  createBudget,
  createMemoryBudgetStore,
  createRedisBudgetStore,
} from '@maxllm/ledger';
export type {
  LedgerRow,
  LedgerColumn,
  ReadLedgerRowsOptions,
  LedgerSummaryRow,
  SummarizeLedgerOptions,
  CallStatus,
  ModelCallStatus,
  Budget,
  BudgetOptions,
  BudgetCap,
  BudgetCapState,
  BudgetReservation,
  BudgetStore,
  BudgetRedisClient,
  RedisBudgetStoreOptions,
} from '@maxllm/ledger';

// ## Batch API
export { getBatch } from '@maxllm/client';
export type { GetBatchOptions } from '@maxllm/client';
export { listBatchWorkspaces } from '@maxllm/batch';
export type {
  BatchHandle,
  BatchResult,
  BatchState,
  BatchProgress,
  WaitOptions,
  RetryOptions,
  RetrySummary,
  BatchWorkspaceSummary,
  BatchLimits,
  JobRecord,
  JobStatus,
  RequestCounts,
} from '@maxllm/batch';

// ## Shared basics
export { systemClock, stderrLogger, silentLogger } from '@maxllm/core';
export type { Clock, Logger } from '@maxllm/core';

// ## Errors
export { MaxllmError } from '@maxllm/core';
export {
  MaxllmClientError,
  CompletionError,
  QuotaExceededError,
  RequestTooLargeError,
  InvalidOutputError,
  InvalidClientRequestError,
  BatchStoppedError,
  MissingDependencyError,
  RedisUnavailableError,
  NotImplementedError,
} from '@maxllm/client';
export type { ErrorDetails } from '@maxllm/client';
export {
  ConfigError,
  ConfigNotFoundError,
  ConfigParseError,
  ConfigSchemaError,
  InvalidRedisUrlError,
  MissingEnvVarError,
  ModelNotFoundError,
} from '@maxllm/config';
export type { ConfigIssue, SourcePosition } from '@maxllm/config';
export {
  RateLimiterError,
  InvalidLimitError,
  LimiterBackendError,
  LimiterClosedError,
  OversizedRequestError,
} from '@maxllm/ratelimit';
export {
  CacheError,
  CacheKeyError,
  InvalidCacheEntryError,
  InvalidCacheOptionError,
  InvalidNamespaceError,
} from '@maxllm/cache';
export {
  LedgerError,
  LedgerClosedError,
  LedgerWriteError,
  BudgetExceededError,
  UnpricedUnderBudgetError,
  InvalidBudgetError,
  BudgetBackendError,
} from '@maxllm/ledger';
export type { BudgetExceededDetails } from '@maxllm/ledger';
export { RequestError, InvalidRequestError, OutputValidationError } from '@maxllm/request';
export {
  BatchError,
  BatchStateError,
  BatchWorkspaceError,
  BatchRequestError,
  BatchJobFailedError,
  BatchItemMissingError,
  BatchItemError,
  BatchDownloadError,
} from '@maxllm/batch';
