import { abortReason, type Clock, type Logger } from '@maxllm/core';
import { setMaxListeners } from 'node:events';
import { checkRequestKeys, type BodyParams, type CompleteRequest, type MaxllmOptions } from '@maxllm/request';
import { BudgetExceededError, createBudget, LedgerWriteError, type Budget } from '@maxllm/ledger';
import {
  BatchStoppedError,
  InvalidClientRequestError,
  QuotaExceededError,
  RedisUnavailableError,
} from './errors';
import type { BatchViaOptions } from './batch-via';
import type { CompleteOutcome } from './outcome';
import { type ProgressReporter, type ProgressSnapshot } from './progress';
import { createDefaultProgress } from './progress-bar';

/** One input of `batchComplete`: a prompt, or a whole request (its fields win over the options). */
export type BatchItem = string | CompleteRequest;

/** `batchComplete`'s own options (those of the online path). */
export interface BatchRunOptions<T = unknown> {
  /** Model (or balancing spec) of items that name none. @default 'gpt-4o-mini' */
  model?: string;
  /** Items in flight at once (the model's limiter may admit fewer). @default 60 */
  concurrency?: number;
  /** Label of the progress line. @default 'Completing texts' */
  desc?: string;
  /** Result of a failed item. @default null */
  placeholder?: T;
  /** Put a failed item's error in its slot instead of the placeholder. @default false */
  returnErrors?: boolean;
  /** Called as each item finishes (completion order) with its result and input index. */
  onResult?: (result: unknown, index: number) => void;
  /** Stops pulling items and aborts those in flight. */
  signal?: AbortSignal;
  /**
   * Most this call may spend, every model together: each item's call holds its worst-case cost first, and the
   * first one that could cross the cap stops the batch (`BatchStoppedError` whose cause is a `BudgetExceededError`;
   * nothing more is sent). @unit USD @default no cap
   */
  maxUsd?: number;
  /** How progress is shown; `false` for nothing. @default a progress bar on stderr when it is a TTY, else a status line every 10 s */
  progress?: ProgressReporter | false;
}

/**
 * Options of `batchComplete`: its own ({@link BatchRunOptions}), and request options and body parameters applied to
 * every item (an item's own fields win). A key that is none of these is a compile error and, at run time, an
 * `InvalidClientRequestError` naming it.
 */
export type BatchCompleteOptions<T = unknown> = BatchRunOptions<T> &
  Omit<MaxllmOptions, 'model' | 'signal'> &
  BodyParams;

/** The names of `batchComplete`'s own options (online or via batch); every other option goes to every item. */
export const OWN_OPTIONS = [
  'model',
  'concurrency',
  'desc',
  'placeholder',
  'returnErrors',
  'onResult',
  'signal',
  'progress',
  'maxUsd',
  // options of the Batch API path (batch-via.ts)
  'via',
  'workspace',
  'pollIntervalMs',
  'batchLimits',
  'metadata',
] as const;

const OWN: ReadonlySet<string> = new Set(OWN_OPTIONS);

/**
 * The request fields `options` applies to every item: all but `batchComplete`'s own.
 * @throws InvalidClientRequestError naming an option that is neither `batchComplete`'s nor a request's (`concurency`).
 */
export function itemParams(options: object): Record<string, unknown> {
  try {
    checkRequestKeys(options, OWN_OPTIONS);
  } catch (error) {
    throw new InvalidClientRequestError(`batchComplete options: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return Object.fromEntries(Object.entries(options).filter(([name]) => !OWN.has(name)));
}

/** What the batch runner needs from the client. */
export interface BatchDependencies {
  complete(request: CompleteRequest, extra?: { budgets?: readonly Budget[] }): Promise<CompleteOutcome>;
  /** Writes the buffered ledger rows (rejects when they cannot be written): done before a result is handed out. */
  flush(): Promise<void>;
  clock: Clock;
  logger: Logger;
}

/**
 * Runs `items` through `complete` with a bounded pool of workers that pull from the input as they go (memory stays
 * bounded for long or endless iterables: no promise per item is made up front). Results are in input order; a
 * failed item gets `placeholder` (or its error). Each item's ledger row is flushed before its result reaches
 * `onResult`. A {@link QuotaExceededError}, {@link RedisUnavailableError}, budget refusal or `LedgerWriteError` stops
 * everything: in-flight items are aborted and a {@link BatchStoppedError} carrying the finished results is thrown.
 */
export async function runBatchComplete<T>(
  dependencies: BatchDependencies,
  items: Iterable<BatchItem> | AsyncIterable<BatchItem>,
  options: BatchViaOptions<T> = {},
): Promise<unknown[]> {
  const { clock, logger } = dependencies;
  const params = itemParams(options);
  const placeholder = options.placeholder === undefined ? null : options.placeholder;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 60));
  const progress =
    options.progress === false ? undefined : (options.progress ?? createDefaultProgress({ clock }));
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  // Every item in flight listens to it (SDK, limiter): more than Node's default of 10 listeners is expected.
  setMaxListeners(0, signal);
  const iterator = toAsyncIterator(items);
  const budget =
    options.maxUsd === undefined
      ? undefined
      : createBudget({ caps: [{ maxUsd: options.maxUsd, period: 'run' }] });
  const extra = budget ? { budgets: [budget] } : undefined;
  const results: unknown[] = [];
  const snapshot: ProgressSnapshot = {
    done: 0,
    total: lengthOf(items),
    cacheHits: 0,
    errors: 0,
    tokens: 0,
    costUsd: 0,
    ...(options.maxUsd !== undefined ? { capUsd: options.maxUsd } : {}),
    startedAt: clock.now(),
  };
  let count = 0;
  let exhausted = false;
  let stopError: unknown;
  let pulling: Promise<unknown> = Promise.resolve();

  const stop = (error: unknown): void => {
    stopError ??= error;
    stopper.abort(error);
  };
  // Pulls are serialised: a plain async iterator need not support concurrent next() calls.
  const pull = (): Promise<{ index: number; item: BatchItem } | undefined> => {
    const next = pulling.then(async () => {
      if (exhausted || signal.aborted) return undefined;
      const step = await iterator.next();
      if (step.done) {
        exhausted = true;
        return undefined;
      }
      return { index: count++, item: step.value };
    });
    pulling = next.catch(() => undefined);
    return next;
  };
  const finish = (index: number, result: unknown): void => {
    results[index] = result;
    snapshot.done++;
    progress?.update(snapshot);
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      let next;
      try {
        next = await pull();
      } catch (error) {
        stop(error);
        return;
      }
      if (!next) return;
      const { index, item } = next;
      const request = (
        typeof item === 'string'
          ? { ...params, model: options.model, prompt: item }
          : { ...params, model: options.model, ...item }
      ) as CompleteRequest;
      request.model ??= options.model;
      request.signal = request.signal ? AbortSignal.any([request.signal, signal]) : signal;
      try {
        const outcome = await dependencies.complete(request, extra);
        // The item's ledger row is on disk before its result is handed out (a kill -9 never leaves an answer
        // without its row); a row that cannot be written stops the batch, loudly.
        await dependencies.flush();
        if (outcome.cacheHit) snapshot.cacheHits++;
        snapshot.tokens += (outcome.usage?.inputTokens ?? 0) + (outcome.usage?.outputTokens ?? 0);
        snapshot.costUsd += outcome.costUsd;
        finish(index, outcome.result);
        options.onResult?.(outcome.result, index);
      } catch (error) {
        if (signal.aborted) {
          results[index] = placeholder;
          return;
        }
        if (
          error instanceof QuotaExceededError ||
          error instanceof RedisUnavailableError ||
          error instanceof BudgetExceededError ||
          error instanceof LedgerWriteError
        ) {
          results[index] = placeholder;
          stop(error);
          return;
        }
        snapshot.errors++;
        logger.error(
          `Completion failed at index ${index}: ${error instanceof Error ? error.message : String(error)}`,
        );
        finish(index, options.returnErrors ? error : placeholder);
      }
    }
  };

  progress?.start(snapshot, options.desc ?? 'Completing texts');
  try {
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
  } finally {
    progress?.stop(snapshot);
    if (signal.aborted) await iterator.return?.();
  }
  // One slot per item: on a stop, those never started hold the placeholder too (when the input's length is known).
  const size = Math.max(count, stopError === undefined ? 0 : (snapshot.total ?? 0));
  for (let index = 0; index < size; index++) if (!(index in results)) results[index] = placeholder;
  if (options.signal?.aborted) throw abortReason(options.signal);
  if (stopError !== undefined) {
    const stopped = new BatchStoppedError(
      `batchComplete stopped after ${snapshot.done} of ${snapshot.total ?? count} items: ${
        stopError instanceof Error ? stopError.message : 'stopped'
      }`,
      { cause: stopError, model: options.model },
    );
    stopped.results = results;
    stopped.finished = snapshot.done;
    throw stopped;
  }
  return results;
}

function toAsyncIterator<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in items) return items[Symbol.asyncIterator]();
  const iterator = items[Symbol.iterator]();
  return {
    next: () => Promise.resolve(iterator.next()),
    return: () => Promise.resolve(iterator.return?.() ?? { done: true, value: undefined }),
  };
}

function lengthOf(items: unknown): number | undefined {
  if (Array.isArray(items)) return items.length;
  const length = (items as { length?: unknown }).length ?? (items as { size?: unknown }).size;
  return typeof length === 'number' ? length : undefined;
}
