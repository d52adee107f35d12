import type OpenAI from 'openai';
import type { BatchState, JobRecord, JobStatus } from './types';

const FINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** True for job statuses that never change again. */
export function isFinalStatus(status: JobStatus | undefined): boolean {
  return status !== undefined && FINAL.has(status);
}

/** True for workspace states in which every job is final (or there was nothing to upload). */
export function isFinalState(state: BatchState): boolean {
  return FINAL.has(state) || state === 'cached';
}

/**
 * The workspace state once every job is final: `completed` when all completed; otherwise the worst outcome, in the
 * order `cancelled` (someone asked for it), `failed`, `expired`. Per-item results say exactly what is missing.
 * `in_progress` while any job is not final. Only the latest round counts: a retry round that completed means every
 * retried request got its answer (or its own per-item error).
 */
export function combineJobStates(allJobs: readonly JobRecord[]): BatchState {
  const round = Math.max(...allJobs.map((job) => job.round));
  const jobs = allJobs.filter((job) => job.round === round);
  if (jobs.some((job) => !isFinalStatus(job.status))) return 'in_progress';
  for (const status of ['cancelled', 'failed', 'expired'] as const) {
    if (jobs.some((job) => job.status === status)) return status;
  }
  return 'completed';
}

/** The job record updated with what the API reports about its batch. */
export function updateJob(job: JobRecord, batch: OpenAI.Batches.Batch): JobRecord {
  const errors = batch.errors?.data?.map((error) =>
    [error.code, error.message, error.line === undefined || error.line === null ? '' : `(line ${error.line})`]
      .filter(Boolean)
      .join(' '),
  );
  return {
    ...job,
    status: batch.status,
    ...(batch.request_counts
      ? {
          requestCounts: {
            total: batch.request_counts.total,
            completed: batch.request_counts.completed,
            failed: batch.request_counts.failed,
          },
        }
      : {}),
    ...(batch.output_file_id ? { outputFileId: batch.output_file_id } : {}),
    ...(batch.error_file_id ? { errorFileId: batch.error_file_id } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}
