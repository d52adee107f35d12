import { createReadStream } from 'node:fs';
import { basename, join } from 'node:path';
import type OpenAI from 'openai';
import { isFinalStatus, updateJob } from './job-state';
import { findCreatedBatch, findUploadedFile } from './resume-lookup';
import type { JobRecord } from './types';

/**
 * Uploads the files and creates the jobs not recorded yet, calling `save()` as soon as each id comes back (so a
 * crash never loses one that can be recorded). When `resuming`, first looks for a file or job an interrupted attempt
 * created but could not record. Stops early once `cancelled()` is true.
 */
export async function submitJobs(input: {
  openai: OpenAI;
  workspace: string;
  jobs: JobRecord[];
  /** When the workspace was created. @unit milliseconds since the epoch */
  since: number;
  metadata: Record<string, string>;
  resuming: boolean;
  signal: AbortSignal | undefined;
  cancelled(): boolean;
  save(): Promise<void>;
}): Promise<void> {
  const { openai, jobs, since, signal } = input;
  for (const [position, job] of jobs.entries()) {
    if (input.cancelled()) break;
    if (job.jobId !== undefined || isFinalStatus(job.status)) continue;
    let current = job;
    const path = join(input.workspace, current.file);
    if (current.fileId === undefined) {
      const fileId =
        (input.resuming ? await findUploadedFile(openai, basename(path), current.bytes, since) : undefined) ??
        (await openai.files.create({ file: createReadStream(path), purpose: 'batch' }, { signal })).id;
      current = { ...current, fileId };
      jobs[position] = current;
      await input.save();
    }
    const fileId = current.fileId!;
    const batch =
      (input.resuming ? await findCreatedBatch(openai, fileId, since) : undefined) ??
      (await openai.batches.create(
        {
          input_file_id: fileId,
          endpoint: current.endpoint as OpenAI.Batches.BatchCreateParams['endpoint'],
          completion_window: '24h',
          metadata: {
            maxllm_workspace: basename(input.workspace),
            maxllm_file: current.file,
            ...input.metadata,
          },
        },
        { signal },
      ));
    jobs[position] = updateJob({ ...current, jobId: batch.id }, batch);
    await input.save();
  }
}
