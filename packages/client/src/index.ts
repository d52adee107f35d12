export { createClient } from './client';
export {
  batchComplete,
  closeDefaultClient,
  complete,
  diffCallStatus,
  estimate,
  getBatch,
  getCallStatus,
  getDefaultClient,
  setRequestFlag,
  stream,
} from './default-client';
export type {
  BatchResultOf,
  ClientOptions,
  CompleteResult,
  GetBatchOptions,
  MaxllmClient,
  RawResponse,
  ResultOf,
  TextStream,
} from './types';
export type { BatchCompleteOptions, BatchItem } from './batch-complete';
export {
  createLineProgress,
  formatProgress,
  silentProgress,
  type LineProgressOptions,
  type ProgressReporter,
  type ProgressSnapshot,
} from './progress';
export {
  BatchStoppedError,
  CompletionError,
  InvalidClientRequestError,
  InvalidOutputError,
  MaxllmClientError,
  MissingDependencyError,
  NotImplementedError,
  QuotaExceededError,
  RedisUnavailableError,
  RequestTooLargeError,
  type ErrorDetails,
} from './errors';
export { parseModelSpec, type ModelSpecMember } from './model-spec';
export { createWeightedSelector, type WeightedSelector } from './weighted-selector';
export { backoffDelay, type BackoffOptions } from './backoff';
export type { Clock, Logger } from '@maxllm/core';
export type { CompleteRequest, ChatMessage } from '@maxllm/request';
export type { BatchHandle, BatchResult } from '@maxllm/batch';
export {
  createDefaultProgress,
  createProgressBar,
  type DefaultProgressOptions,
  type ProgressBarOptions,
  type ProgressStream,
} from './progress-bar';
export { batchCompleteViaBatch, type BatchViaOptions, type BatchViaDependencies } from './batch-via';
export type {
  Band,
  CostEstimate,
  EstimateOptions,
  ModelEstimate,
  OutputMethod,
  RunEstimate,
} from './estimate-run';
