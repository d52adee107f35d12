import { abortReason, type Clock, type Logger } from '@maxllm/core';
import { openBatch, type BatchHandle, type BatchLimits, type BatchUsageEstimator } from '@maxllm/batch';
import type { ResponseCache } from '@maxllm/cache';
import type { MaxllmConfig, ResolvedModel } from '@maxllm/config';
import type { Ledger } from '@maxllm/ledger';
import type { CompleteRequest } from '@maxllm/request';
import type OpenAI from 'openai';
import { itemParams, type BatchCompleteOptions, type BatchItem } from './batch-complete';
import { InvalidClientRequestError } from './errors';
import type { ProgressSnapshot } from './progress';
import { createDefaultProgress } from './progress-bar';

/** What the Batch API path needs from the client: the same config, cache, ledger and SDK factory as `complete()`. */
export interface BatchViaDependencies {
  config: MaxllmConfig;
  cache: ResponseCache;
  ledger: Pick<Ledger, 'record' | 'flush' | 'status' | 'path'>;
  /** The client's SDK factory (key, base URL, `maxRetries: 0`, the client's `fetch`). */
  createOpenAI(model: ResolvedModel): OpenAI;
  /** The client's global request flag (`setRequestFlag`). */
  requestFlag?: unknown;
  /** The client's estimate for answers without usage. */
  estimateUsage?: BatchUsageEstimator;
  clock: Clock;
  logger: Logger;
}

/** The Batch API path's own options of `batchComplete` (`via: 'batch'`). */
export interface BatchViaRunOptions {
  /** Run through the OpenAI Batch API (half price, answers within 24 h) instead of online calls. @default 'online' */
  via?: 'online' | 'batch';
  /**
   * Workspace folder under `config.paths.batch` (or an absolute path). Reusing a name resumes that run: nothing is
   * enqueued or uploaded twice. @default a new name from the current time
   */
  workspace?: string;
  /** Time between two polls of the batch jobs. @default 30000 @unit ms */
  pollIntervalMs?: number;
  /** Split limits of the upload files (see `@maxllm/batch`). */
  batchLimits?: BatchLimits;
  /** Metadata of the batch jobs. */
  metadata?: Record<string, string>;
}

/** Options of `batchComplete(items, { via: 'batch' })`: those of the online path, plus the Batch API's own. */
export type BatchViaOptions<T = unknown> = BatchCompleteOptions<T> & BatchViaRunOptions;

/**
 * Runs a whole list through the OpenAI Batch API (`@maxllm/batch`): enqueues every item (cache hits are answered at
 * once and never uploaded), uploads, waits while the progress display shows the request counts, and returns the same
 * shape as the online `batchComplete`: values in input order, a failed item as `placeholder` (or its error with
 * `returnErrors`). Answers are written to the cache `complete()` reads and to the ledger at batch price.
 * Every item goes to one model (`options.model`): an item naming another one, or one the batch refuses (malformed),
 * fails on its own like a failed online item. `concurrency` does not apply (the provider runs the jobs). Aborting `signal` stops waiting (the jobs keep running): call again
 * with the same list and `workspace` to pick them up.
 * @throws `BatchError` subclasses of `@maxllm/batch` (workspace, upload or download failures); the signal's reason
 *   when aborted.
 */
export async function batchCompleteViaBatch<T>(
  dependencies: BatchViaDependencies,
  items: Iterable<BatchItem> | AsyncIterable<BatchItem>,
  options: BatchViaOptions<T> = {},
): Promise<unknown[]> {
  const { signal } = options;
  const model = options.model ?? 'gpt-4o-mini';
  const params = itemParams(options);
  const placeholder = options.placeholder === undefined ? null : options.placeholder;
  const progress =
    options.progress === false
      ? undefined
      : (options.progress ?? createDefaultProgress({ clock: dependencies.clock }));
  const uniqueName = dependencies.config.resolveModel(model).uniqueName;
  const before = dependencies.ledger.status(uniqueName)[uniqueName];
  const batch = await openBatch({
    model,
    ...(options.workspace === undefined ? {} : { workspace: options.workspace }),
    ...(options.batchLimits === undefined ? {} : { limits: options.batchLimits }),
    config: dependencies.config,
    cache: dependencies.cache,
    ledger: dependencies.ledger,
    createOpenAI: (resolved) => dependencies.createOpenAI(resolved),
    requestFlag: dependencies.requestFlag,
    clock: dependencies.clock,
    logger: dependencies.logger,
    ...(dependencies.estimateUsage ? { estimateUsage: dependencies.estimateUsage } : {}),
  });
  const snapshot: ProgressSnapshot = {
    done: 0,
    total: undefined,
    cacheHits: 0,
    errors: 0,
    tokens: 0,
    costUsd: 0,
    startedAt: dependencies.clock.now(),
  };
  let started = false;
  try {
    // Input index → why it could not be enqueued (it gets no custom id and no answer).
    const refused =
      batch.state === 'enqueuing'
        ? await enqueueAll(batch, items, params, model, signal)
        : new Map<number, unknown>();
    snapshot.total = batch.size + refused.size;
    snapshot.errors = refused.size;
    progress?.start(snapshot, options.desc ?? 'Batch API');
    started = true;
    if (batch.state === 'enqueuing' || batch.state === 'uploading') {
      await batch.upload({
        ...(options.metadata ? { metadata: options.metadata } : {}),
        ...signalOf(signal),
      });
    }
    if (batch.state === 'in_progress') {
      await batch.waitUntilDone({
        ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
        ...signalOf(signal),
        onProgress(counts) {
          snapshot.cacheHits = counts.cached;
          snapshot.errors = refused.size + counts.failed;
          snapshot.done = Math.min(
            snapshot.total ?? 0,
            refused.size + counts.cached + counts.completed + counts.failed,
          );
          progress?.update(snapshot);
        },
      });
    }
    if (signal?.aborted) throw abortReason(signal);
    const answers = await batch.results(signalOf(signal));
    const results: unknown[] = [];
    let next = 0;
    for (let index = 0; index < answers.length + refused.size; index++) {
      let value: unknown;
      if (refused.has(index)) {
        const error = refused.get(index);
        dependencies.logger.error(
          `Batch item ${index} was not enqueued: ${error instanceof Error ? error.message : String(error)}`,
        );
        value = options.returnErrors ? error : placeholder;
      } else {
        const answer = answers[next++]!;
        if (answer.ok) value = answer.value;
        else {
          dependencies.logger.error(`Batch item ${index} failed: ${answer.error.message}`);
          value = options.returnErrors ? answer.error : placeholder;
        }
      }
      results.push(value);
      options.onResult?.(value, index);
    }
    snapshot.done = results.length;
    snapshot.errors = refused.size + answers.filter((answer) => !answer.ok).length;
    snapshot.cacheHits = answers.filter((answer) => answer.ok && answer.source === 'cache').length;
    const after = dependencies.ledger.status(uniqueName)[uniqueName];
    snapshot.costUsd = (after?.costUsd ?? 0) - (before?.costUsd ?? 0);
    snapshot.tokens =
      (after ? after.missInputTokens + after.missOutputTokens : 0) -
      (before ? before.missInputTokens + before.missOutputTokens : 0);
    return results;
  } finally {
    if (started) progress?.stop(snapshot);
    await batch.close();
  }
}

/**
 * Enqueues every item; one that cannot be (malformed, another model) is refused on its own, as a failed item of the
 * online path. On a workspace reopened while still enqueuing, the items it already holds are skipped.
 */
async function enqueueAll(
  batch: BatchHandle,
  items: Iterable<BatchItem> | AsyncIterable<BatchItem>,
  params: Record<string, unknown>,
  model: string,
  signal: AbortSignal | undefined,
): Promise<Map<number, unknown>> {
  const refused = new Map<number, unknown>();
  const already = batch.size;
  let index = 0;
  for await (const item of items) {
    if (signal?.aborted) throw abortReason(signal);
    if (index < already) {
      index++;
      continue;
    }
    const request: CompleteRequest =
      typeof item === 'string' ? { ...params, model, prompt: item } : { ...params, model, ...item };
    request.model ??= model;
    try {
      if (request.model !== model) {
        throw new InvalidClientRequestError(
          `batchComplete via 'batch' sends every item to one model ('${model}'), but item ${index} names '${request.model}'`,
          { model: request.model },
        );
      }
      await batch.enqueue(request);
    } catch (error) {
      refused.set(index, error);
    }
    index++;
  }
  await batch.flush();
  return refused;
}

function signalOf(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
