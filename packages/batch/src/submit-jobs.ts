import { createReadStream } from 'node:fs';
import { basename, join } from 'node:path';
import type OpenAI from 'openai';
import { isFinalStatus, updateJob } from './job-state';
import { findCreatedBatch, findUploadedFile } from './resume-lookup';
import type { JobRecord } from './types';

/** Times a job that failed with `token_limit_exceeded` is created again once capacity is free. */
export const MAX_REQUEUES = 3;

/**
 * Uploads every file not uploaded yet, then creates jobs while the estimated tokens of running jobs stay within
 * `maxEnqueuedTokens` (the provider's enqueued-token limit; a job that is alone may exceed it). Jobs left over are
 * created by later calls, as running jobs finish (`waitUntilDone` calls this after each poll).
 * Each id is saved (`save()`) as soon as the API returns it. When `resuming`, first looks for a file or job an
 * interrupted attempt created but could not record. Stops early once `cancelled()` is true.
 */
export async function submitJobs(input: {
  openai: OpenAI;
  workspace: string;
  jobs: JobRecord[];
  /** When the workspace was created. @unit milliseconds since the epoch */
  since: number;
  /** @unit tokens */
  maxEnqueuedTokens: number;
  resuming: boolean;
  signal: AbortSignal | undefined;
  cancelled(): boolean;
  save(): Promise<void>;
}): Promise<void> {
  const { openai, jobs, since, signal } = input;
  const pending = (job: JobRecord): boolean => job.jobId === undefined && !isFinalStatus(job.status);

  for (const [position, job] of jobs.entries()) {
    if (input.cancelled()) return;
    if (!pending(job) || job.fileId !== undefined) continue;
    const path = join(input.workspace, job.file);
    const fileId =
      (input.resuming ? await findUploadedFile(openai, basename(path), job.bytes, since) : undefined) ??
      (await openai.files.create({ file: createReadStream(path), purpose: 'batch' }, { signal })).id;
    jobs[position] = { ...job, fileId };
    await input.save();
  }

  let running = jobs
    .filter((job) => job.jobId !== undefined && !isFinalStatus(job.status))
    .reduce((sum, job) => sum + job.tokens, 0);
  for (const [position, job] of jobs.entries()) {
    if (input.cancelled()) return;
    if (!pending(job)) continue;
    if (running > 0 && running + job.tokens > input.maxEnqueuedTokens) return;
    const fileId = job.fileId!;
    const batch =
      (input.resuming ? await findCreatedBatch(openai, fileId, since) : undefined) ??
      (await openai.batches.create(
        {
          input_file_id: fileId,
          endpoint: job.endpoint as OpenAI.Batches.BatchCreateParams['endpoint'],
          completion_window: '24h',
          metadata: { maxllm_workspace: basename(input.workspace), maxllm_file: job.file, ...job.metadata },
        },
        { signal },
      ));
    jobs[position] = updateJob({ ...job, jobId: batch.id }, batch);
    running += job.tokens;
    await input.save();
  }
}

/**
 * A job that failed because the provider's enqueued-token limit was full is put back in the queue (same uploaded
 * file, no job id) so it is created again once running jobs finish; at most {@link MAX_REQUEUES} times.
 */
export function requeueIfTokenLimited(job: JobRecord): JobRecord {
  if (job.status !== 'failed' || (job.requeues ?? 0) >= MAX_REQUEUES) return job;
  if (!job.errors?.some((error) => error.includes('token_limit_exceeded'))) return job;
  return {
    ...job,
    jobId: undefined,
    status: undefined,
    errors: undefined,
    requestCounts: undefined,
    requeues: (job.requeues ?? 0) + 1,
  };
}
