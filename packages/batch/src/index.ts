export { openBatch } from './open-batch';
export { listBatchWorkspaces, type BatchWorkspaceSummary } from './list-workspaces';
export type { BatchHandle, OpenBatchOptions, RetryOptions, RetrySummary, WaitOptions } from './batch-handle';
export type {
  BatchLimits,
  BatchProgress,
  BatchResult,
  BatchState,
  JobRecord,
  JobStatus,
  RequestCounts,
} from './types';
export type { Clock, Logger } from '@maxllm/core';
export type { TaskRecord } from './task-log';
export type { BatchCache, BatchConfig, BatchLedger, BatchModel, BatchUsageEstimator } from './dependencies';
export { combineJobStates } from './job-state';
export { formatProgress } from './format-progress';
export {
  BatchError,
  BatchStateError,
  BatchWorkspaceError,
  BatchRequestError,
  BatchJobFailedError,
  BatchItemMissingError,
  BatchItemError,
  BatchDownloadError,
} from './errors';
