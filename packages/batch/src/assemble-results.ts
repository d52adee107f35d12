import { extractResult, parseJsonLenient } from '@maxllm/request';
import type { PreparedRequest } from '@maxllm/request';
import type { ZodType } from 'zod';
import { BatchItemError, BatchItemMissingError, BatchJobFailedError } from './errors';
import { readOutputLine } from './output-line';
import type { OutputLine } from './output-line';
import { batchRowId, preparedOf, recordAnswer, recordCacheHit, recordFailure } from './recorder';
import type { Recorder } from './recorder';
import type { TaskRecord } from './task-log';
import type { BatchResult, BatchState, JobRecord } from './types';
import { inRanges } from './upload-files';

/** An answer obtained by `retryFailed({ via: 'online' })`, one line of `online.jsonl`. */
export interface OnlineRecord {
  customId: string;
  /** The latest batch round when the online retry ran: a later batch round's answer replaces this one. */
  round: number;
  /** API response body (SDK path). */
  response?: unknown;
  /** Value returned by a caller-supplied `complete` (no response body then). */
  value?: unknown;
  /** Why the online retry failed. */
  error?: { name: string; message: string; status?: number };
}

/** Where a batch answer line came from. */
export interface LineSource {
  line: OutputLine;
  job: JobRecord;
}

const MAX_PENDING_WRITES = 32;

/** Error-file codes of requests that never ran because their job expired or was cancelled. */
const ENDED_CODES: ReadonlySet<string> = new Set(['batch_expired', 'batch_cancelled']);

/**
 * Streams the tasks and turns each into its result, in enqueue order. Answers of jobs listed in `recordJobs` (and the
 * cache hits when `recordCached`) are written to the cache and the ledger on the way.
 */
export async function assembleResults(input: {
  tasks: AsyncIterable<TaskRecord>;
  jobs: readonly JobRecord[];
  answers: Map<number, LineSource>;
  online: Map<number, OnlineRecord>;
  schemaFor(customId: string): ZodType | undefined;
  recordJobs: ReadonlySet<string>;
  recordCached: boolean;
  recorder: Recorder;
  state: BatchState;
  /** Names this batch in the ids of rows without a provider id (`workspaceRowOwner`). */
  batchName: string;
}): Promise<BatchResult[]> {
  const results: BatchResult[] = [];
  const writes = new Set<Promise<void>>();
  const later = async (write: Promise<void>): Promise<void> => {
    writes.add(write);
    void write.finally(() => writes.delete(write));
    if (writes.size >= MAX_PENDING_WRITES) await Promise.race(writes);
  };

  for await (const task of input.tasks) {
    // A duplicate reads its original's answer, extracts it with its own schema, and records nothing.
    const duplicate = task.duplicateOf !== undefined;
    const index = Number(task.duplicateOf ?? task.customId);
    const prepared = preparedOf(task, input.schemaFor(task.customId));
    const online = input.online.get(index);
    const answer = input.answers.get(index);
    const push = (result: BatchResult): void => {
      results.push(task.request.meta === undefined ? result : { ...result, meta: task.request.meta });
    };

    if (task.cached) {
      if (input.recordCached) {
        recordCacheHit(input.recorder, task, prepared, batchRowId('cache', input.batchName, task.customId));
      }
      push(settle(task, prepared, task.response, 'cache'));
    } else if (online && (!answer || online.round >= answer.job.round)) {
      push(onlineResult(task, prepared, online));
    } else if (answer) {
      const read = readOutputLine(answer.line);
      const record = !duplicate && input.recordJobs.has(answer.job.file);
      const rowId = batchRowId('batch', answer.job.jobId ?? answer.job.file, task.customId);
      if (read instanceof BatchItemError && ENDED_CODES.has(read.code ?? '')) {
        // Never run: the job ended first (OpenAI lists such requests in the error file).
        const status = read.code === 'batch_cancelled' ? 'cancelled' : 'expired';
        push({
          customId: task.customId,
          ok: false,
          error: new BatchItemMissingError(answer.job.jobId, status, task.customId),
        });
      } else if (read instanceof BatchItemError) {
        if (record) recordFailure(input.recorder, task, 'BatchItemError', true, rowId);
        push({ customId: task.customId, ok: false, error: read });
      } else {
        const result = settle(task, prepared, read.body, 'batch');
        if (record) {
          await later(
            recordAnswer(input.recorder, task, prepared, read.body, {
              valid: result.ok,
              batch: true,
              requestId: read.requestId ?? rowId,
            }),
          );
        }
        push(result);
      }
    } else {
      push({
        customId: task.customId,
        ok: false,
        error: missingError(task.customId, index, input.jobs, input.state),
      });
    }
  }
  await Promise.all(writes);
  return results;
}

function onlineResult(task: TaskRecord, prepared: PreparedRequest, online: OnlineRecord): BatchResult {
  if (online.error) {
    const { name, message, status } = online.error;
    return {
      customId: task.customId,
      ok: false,
      error: new BatchItemError(
        task.customId,
        status,
        undefined,
        `online retry failed: ${name}: ${message}`,
        undefined,
      ),
    };
  }
  if ('response' in online) return settle(task, prepared, online.response, 'online');
  return { customId: task.customId, ok: true, value: online.value, response: undefined, source: 'online' };
}

/** Extracts the value like `complete()` does; a task stored with a schema but reopened without one gets raw JSON. */
function settle(
  task: TaskRecord,
  prepared: PreparedRequest,
  response: unknown,
  source: 'cache' | 'batch' | 'online',
): BatchResult {
  try {
    let value = extractResult(prepared, response);
    if (task.schema !== undefined && !prepared.schema && !task.raw && typeof value === 'string') {
      value = parseJsonLenient(value);
    }
    return { customId: task.customId, ok: true, value, response, source };
  } catch (error) {
    return { customId: task.customId, ok: false, error: error as Error };
  }
}

function missingError(customId: string, index: number, jobs: readonly JobRecord[], state: BatchState): Error {
  const job = jobs.findLast((candidate) => inRanges(candidate.ranges, index));
  if (!job || job.jobId === undefined) return new BatchItemMissingError(undefined, state, customId);
  if (job.status === 'failed') {
    return new BatchJobFailedError(job.jobId, job.errors?.join('; ') || 'no reason given');
  }
  return new BatchItemMissingError(job.jobId, job.status ?? 'unknown', customId);
}
