import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { BatchHandle } from '@maxllm/batch';
import type { MaxllmClient, ProgressSnapshot } from '@maxllm/client';
import { parseDuration } from '../duration';
import { UsageError } from '../errors';
import { parseRequestLine, readLines } from '../jsonl';
import { lineMeta, resultLine } from '../line-meta';
import type { ReadonlyLineSet } from '../line-set';
import type { OutputSink } from '../output-sink';
import { createTerminalProgress } from '../progress';
import type { RunOptions, RunSummary } from './run';
import { errorRecord } from '../error-record';

/** Inputs of {@link runViaBatch}. */
export interface RunViaBatchInput {
  client: MaxllmClient;
  file: string;
  output: string | undefined;
  sink: OutputSink;
  done: ReadonlyLineSet;
  options: RunOptions;
  signal: AbortSignal;
}

/** `<output>.batch.json`: which workspace this output's run uses, so a re-run resumes the same batch. */
interface BatchPlan {
  workspace: string;
}

function planPath(output: string): string {
  return `${resolve(output)}.batch.json`;
}

function readPlan(output: string): BatchPlan | undefined {
  try {
    const plan = JSON.parse(readFileSync(planPath(output), 'utf8')) as Partial<BatchPlan>;
    return typeof plan.workspace === 'string' ? { workspace: plan.workspace } : undefined;
  } catch {
    return undefined;
  }
}

/** Input line indexes the workspace already holds (each task carries its line in `meta`). */
async function linesInWorkspace(batch: BatchHandle): Promise<Set<number>> {
  const lines = new Set<number>();
  for await (const task of batch.tasks()) {
    const meta = lineMeta(task.request.meta);
    if (meta !== undefined) lines.add(meta.index);
  }
  return lines;
}

/**
 * `maxllm run --via batch`: the lines without an answer go through the Batch API in one workspace (named after the
 * output file). Each request carries its input line (index and user `id`) as `meta`, stored with the task, so every
 * answer is written to its own line whatever was already written before a kill. The plan file
 * `<output>.batch.json` remembers the workspace, so a run stopped at any step picks it up again instead of uploading
 * twice; it is removed once every answer is written.
 */
export async function runViaBatch(input: RunViaBatchInput): Promise<RunSummary> {
  const { client, file, output, sink, done, options, signal } = input;
  if (output === undefined) throw new UsageError('--via batch needs -o <file> (the run is resumed from it)');
  const pollIntervalMs = parseDuration(options.poll ?? '30s', '--poll');
  const source = file === '-' ? 'stdin' : file;
  const summary: RunSummary = {
    lines: 0,
    skipped: 0,
    done: 0,
    failed: 0,
    notSent: 0,
    hits: 0,
    costUsd: 0,
  };
  const suffix = createHash('sha256').update(resolve(output)).digest('hex').slice(0, 8);
  const plan: BatchPlan = readPlan(output) ?? {
    workspace:
      options.workspace ??
      `run-${basename(output).replace(/[^\w.-]/g, '_')}-${suffix}-${Date.now().toString(36)}`,
  };
  const before = client.getCallStatus();
  const batch = await client.getBatch({ model: options.model, workspace: plan.workspace });
  try {
    writeFileSync(planPath(output), JSON.stringify(plan));
    const held = await linesInWorkspace(batch);
    for await (const line of readLines(file === '-' ? process.stdin : createReadStream(file))) {
      summary.lines += 1;
      if (done.has(line.index)) {
        summary.skipped += 1;
        continue;
      }
      if (held.has(line.index)) continue;
      if (batch.state !== 'enqueuing') {
        // The batch was submitted without this line (it failed before): the next run sends it.
        summary.notSent += 1;
        continue;
      }
      signal.throwIfAborted();
      let id: unknown;
      try {
        const parsed = parseRequestLine(line, source);
        id = parsed.id;
        await batch.enqueue({
          model: options.model,
          ...(options.system !== undefined ? { systemPrompt: options.system } : {}),
          ...(options.json === true ? { jsonMode: true } : {}),
          ...(options.cache ? {} : { force: true }),
          ...parsed.request,
          meta: id === undefined ? { index: line.index } : { index: line.index, id },
        });
      } catch (error) {
        sink.write({ index: line.index, ...(id === undefined ? {} : { id }), error: errorRecord(error) });
        summary.failed += 1;
      }
    }
    await batch.flush();
    const progress = createTerminalProgress();
    const snapshot: ProgressSnapshot = {
      done: 0,
      total: batch.size,
      cacheHits: 0,
      errors: 0,
      tokens: 0,
      costUsd: 0,
      startedAt: Date.now(),
    };
    progress.start(snapshot, `batch ${plan.workspace}`);
    try {
      if (batch.state === 'enqueuing' || batch.state === 'uploading') await batch.upload({ signal });
      if (batch.state === 'in_progress') {
        await batch.waitUntilDone({
          pollIntervalMs,
          signal,
          onProgress(counts) {
            snapshot.cacheHits = counts.cached;
            snapshot.errors = counts.failed;
            snapshot.done = Math.min(batch.size, counts.cached + counts.completed + counts.failed);
            progress.update(snapshot);
          },
        });
      }
      signal.throwIfAborted();
      const answers = await batch.results({ signal });
      answers.forEach((answer, position) => {
        const line = resultLine(answer, position);
        if (done.has(line.index)) return;
        sink.write(line);
        if (answer.ok) {
          summary.done += 1;
          if (answer.source === 'cache') summary.hits += 1;
        } else summary.failed += 1;
      });
      snapshot.done = answers.length;
    } finally {
      progress.stop(snapshot);
    }
  } finally {
    await batch.close();
  }
  const after = client.diffCallStatus(client.getCallStatus(), before);
  for (const model of Object.values(after)) summary.costUsd += model.costUsd;
  rmSync(planPath(output), { force: true });
  return summary;
}

/** True when `output` has a batch run in progress. */
export function hasBatchPlan(output: string): boolean {
  return existsSync(planPath(output));
}
