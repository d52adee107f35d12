import { appendFile } from 'node:fs/promises';
import type OpenAI from 'openai';
import { extractResult } from '@maxllm/request';
import type { CompleteRequest } from '@maxllm/request';
import type { ZodType } from 'zod';
import type { OnlineRecord } from './assemble-results';
import { preparedOf, recordAnswer, recordFailure } from './recorder';
import type { Recorder } from './recorder';
import type { TaskRecord } from './task-log';

/**
 * Runs the wanted tasks online, `concurrency` at a time, appending each outcome to `online.jsonl` as it arrives
 * (so an interrupted retry keeps what it got). With `complete`, the caller's function runs the original request;
 * otherwise the stored body is posted with the SDK and the answer cached and recorded here (not at batch price).
 */
export async function runOnline(input: {
  tasks: AsyncIterable<TaskRecord>;
  wanted: ReadonlySet<string>;
  alias: string;
  schemaFor(customId: string): ZodType | undefined;
  complete: ((request: CompleteRequest) => Promise<unknown>) | undefined;
  openai: OpenAI | undefined;
  concurrency: number;
  signal: AbortSignal | undefined;
  path: string;
  /** The latest batch round (see `OnlineRecord.round`). */
  round: number;
  recorder: Recorder;
}): Promise<void> {
  const queue: TaskRecord[] = [];
  for await (const task of input.tasks) {
    // A duplicate shares its original's answer: retrying the original is enough.
    if (input.wanted.has(task.customId) && task.duplicateOf === undefined) queue.push(task);
  }

  const runOne = async (task: TaskRecord): Promise<Omit<OnlineRecord, 'round'>> => {
    const schema = input.schemaFor(task.customId);
    try {
      if (input.complete) {
        const request: CompleteRequest = { ...task.request, model: input.alias };
        if (schema) request.jsonFormat = schema;
        if (input.signal) request.signal = input.signal;
        return { customId: task.customId, value: await input.complete(request) };
      }
      const response = await input.openai!.post<unknown>(task.endpoint.replace(/^\/v1/, ''), {
        body: task.body,
        ...(input.signal ? { signal: input.signal } : {}),
      });
      const prepared = preparedOf(task, schema);
      let valid = true;
      try {
        extractResult(prepared, response);
      } catch {
        valid = false;
      }
      await recordAnswer(input.recorder, task, prepared, response, { valid, batch: false });
      return { customId: task.customId, response };
    } catch (error) {
      const failure = error as { name?: string; message?: string; status?: unknown };
      const status = typeof failure.status === 'number' ? failure.status : undefined;
      if (!input.complete) recordFailure(input.recorder, task, failure.name ?? 'Error', false);
      return {
        customId: task.customId,
        error: {
          name: failure.name ?? 'Error',
          message: failure.message ?? String(error),
          ...(status === undefined ? {} : { status }),
        },
      };
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      if (input.signal?.aborted) return;
      const task = queue[next++]!;
      const record = await runOne(task);
      await appendFile(input.path, `${JSON.stringify({ ...record, round: input.round })}\n`, {
        mode: 0o600,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency, queue.length)) }, worker));
}
