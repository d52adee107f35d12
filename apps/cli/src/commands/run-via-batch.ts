import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CompleteRequest, MaxllmClient } from 'maxllm';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { parseRequestLine, readLines } from '../jsonl.js';
import type { OutputSink } from '../output-sink.js';
import { createTerminalProgress } from '../progress.js';
import type { RunOptions, RunSummary } from './run.js';
import { errorRecord } from '../error-record.js';

/** Inputs of {@link runViaBatch}. */
export interface RunViaBatchInput {
  client: MaxllmClient;
  file: string;
  output: string | undefined;
  sink: OutputSink;
  done: ReadonlySet<number>;
  options: RunOptions;
  signal: AbortSignal;
}

/** `<output>.batch.json`: which workspace holds which input lines, so a re-run resumes the same batch. */
interface BatchPlan {
  workspace: string;
  lines: number[];
}

function planPath(output: string): string {
  return `${resolve(output)}.batch.json`;
}

function readPlan(output: string): BatchPlan | undefined {
  try {
    return JSON.parse(readFileSync(planPath(output), 'utf8')) as BatchPlan;
  } catch {
    return undefined;
  }
}

/**
 * `maxllm run --via batch`: the lines without an answer go through the Batch API in one workspace (named after the
 * output file). The plan file `<output>.batch.json` remembers the workspace and its lines, so a run stopped while
 * the jobs run picks them up again instead of uploading twice; it is removed once every answer is written.
 */
export async function runViaBatch(input: RunViaBatchInput): Promise<RunSummary> {
  const { client, file, output, sink, done, options, signal } = input;
  if (output === undefined) throw new UsageError('--via batch needs -o <file> (the run is resumed from it)');
  const pollIntervalMs = parseDuration(options.poll ?? '30s', '--poll');
  const source = file === '-' ? 'stdin' : file;
  const existing = readPlan(output);
  const planned = existing === undefined ? undefined : new Set(existing.lines);
  const summary: RunSummary = { lines: 0, skipped: 0, done: 0, failed: 0, hits: 0, costUsd: 0 };
  const requests: CompleteRequest[] = [];
  const lines: number[] = [];
  for await (const line of readLines(file === '-' ? process.stdin : createReadStream(file))) {
    summary.lines += 1;
    if (done.has(line.index)) {
      summary.skipped += 1;
      continue;
    }
    if (planned !== undefined && !planned.has(line.index)) continue;
    try {
      requests.push({
        model: options.model,
        ...(options.system !== undefined ? { systemPrompt: options.system } : {}),
        ...(options.json === true ? { jsonMode: true } : {}),
        ...(options.cache ? {} : { force: true }),
        ...parseRequestLine(line, source).request,
      });
      lines.push(line.index);
    } catch (error) {
      sink.write({ index: line.index, error: errorRecord(error) });
      summary.failed += 1;
    }
  }
  if (requests.length === 0) return summary;
  const suffix = createHash('sha256').update(resolve(output)).digest('hex').slice(0, 8);
  const plan: BatchPlan = existing ?? {
    workspace:
      options.workspace ??
      `run-${basename(output).replace(/[^\w.-]/g, '_')}-${suffix}-${Date.now().toString(36)}`,
    lines,
  };
  if (existing === undefined) writeFileSync(planPath(output), JSON.stringify(plan));
  const before = client.getCallStatus();
  // The client's Batch API path: enqueue (cache hits are answered at once), upload, wait, results; reopening the
  // same workspace after a kill skips what it already holds and waits for the jobs already created.
  await client.batchComplete(requests, {
    via: 'batch',
    model: options.model,
    workspace: plan.workspace,
    pollIntervalMs,
    returnErrors: true,
    signal,
    desc: `batch ${plan.workspace}`,
    progress: createTerminalProgress(),
    onResult(value: unknown, position: number) {
      const index = lines[position];
      if (index === undefined || done.has(index)) return;
      if (value instanceof Error) {
        sink.write({ index, error: errorRecord(value) });
        summary.failed += 1;
      } else {
        sink.write({ index, result: value });
        summary.done += 1;
      }
    },
  });
  const after = client.diffCallStatus(client.getCallStatus(), before);
  for (const model of Object.values(after)) {
    summary.hits += model.cacheHits;
    summary.costUsd += model.costUsd;
  }
  rmSync(planPath(output), { force: true });
  return summary;
}

/** True when `output` has a batch run in progress. */
export function hasBatchPlan(output: string): boolean {
  return existsSync(planPath(output));
}
