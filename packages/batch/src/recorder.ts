import type { Clock, Logger } from '@maxllm/core';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { completionText, isCacheable, readUsage } from '@maxllm/request';
import type { PreparedRequest } from '@maxllm/request';
import type { ZodType } from 'zod';
import type { CallUsage } from '@maxllm/ledger';
import type {
  BatchCache,
  BatchCallRecord,
  BatchLedger,
  BatchModel,
  BatchUsageEstimator,
} from './dependencies';
import type { TaskRecord } from './task-log';

/** What writing answers to the cache and the ledger needs. */
export interface Recorder {
  cache: BatchCache;
  ledger: BatchLedger;
  model: BatchModel;
  clock: Clock;
  logger: Logger;
  /** `request_id`s already in the ledger (an interrupted `results()`): their rows are not written again. */
  recorded?: { has(requestId: string): boolean };
  /** Usage of an answer that came without any (see `OpenBatchOptions.estimateUsage`). */
  estimateUsage?: BatchUsageEstimator | undefined;
}

/** Models already warned about for rows without usage and without an estimator, per logger. */
const warnedUnestimated = new WeakMap<Logger, Set<string>>();

/**
 * The usage of a ledger row: the answer's own, else the recorder's estimate (marked `estimated`), else none (one
 * warning per model that such rows have no tokens).
 */
function rowUsage(recorder: Recorder, prepared: PreparedRequest, response: unknown): CallUsage | undefined {
  const usage = readUsage(response);
  if (usage !== undefined) return usage;
  const { model, uniqueName } = recorder.model;
  if (recorder.estimateUsage)
    return recorder.estimateUsage(prepared, safeText(prepared, response), { model, uniqueName });
  let models = warnedUnestimated.get(recorder.logger);
  if (!models) warnedUnestimated.set(recorder.logger, (models = new Set()));
  if (!models.has(uniqueName)) {
    models.add(uniqueName);
    recorder.logger.warn(
      `Model ${uniqueName} answered without usage: its batch ledger rows have no tokens or cost (pass estimateUsage to openBatch, as @maxllm/client does, to record estimates).`,
    );
  }
  return undefined;
}

/**
 * The `request_id` of a batch row without a provider id: the same every time the same answer is read, and made only
 * of the characters the ledger keeps in that column (`[A-Za-z0-9_.:/-]`, at most 80), e.g.
 * `maxllm-batch:batch_abc:7` or `maxllm-cache:nightly.1a2b3c4d:7`.
 */
export function batchRowId(scope: 'batch' | 'cache', owner: string, customId: string): string {
  return `maxllm-${scope}:${owner}:${customId}`;
}

/** Names a workspace in row ids: its folder name (safe characters, shortened) and a hash of its full path. */
export function workspaceRowOwner(workspace: string): string {
  const name = basename(workspace)
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .slice(0, 24);
  return `${name}.${createHash('sha256').update(workspace).digest('hex').slice(0, 8)}`;
}

/** Writes a ledger row unless the ledger already holds one with its `request_id`. */
function recordOnce(recorder: Recorder, row: BatchCallRecord): void {
  if (row.requestId !== undefined && recorder.recorded?.has(row.requestId)) return;
  recorder.ledger.record(row);
}

/** Rebuilds the prepared request of a stored task (the zod schema, when known, is not stored: pass it). */
export function preparedOf(task: TaskRecord, schema: ZodType | undefined): PreparedRequest {
  return {
    kind: task.kind,
    endpoint: task.endpoint,
    body: task.body,
    timeoutMs: undefined,
    cacheKey: task.cacheKey,
    namespace: task.namespace,
    schema,
    jsonMode: task.jsonMode,
    raw: task.raw,
    maxTokens: task.maxTokens ?? undefined,
    promptPreview: task.promptPreview,
    systemPreview: task.systemPreview,
  };
}

/** The key version a cache key carries (`v2:...` → 2), 1 when it has none. */
export function keyVersionOf(key: string): number {
  const match = /^v(\d+)[:_-]/.exec(key);
  return match ? Number(match[1]) : 1;
}

/**
 * Records one answer the API gave: into the cache under the task's key (only when it is valid and cacheable, so a
 * later `complete()` for the same request is a hit) and into the ledger.
 */
export async function recordAnswer(
  recorder: Recorder,
  task: TaskRecord,
  prepared: PreparedRequest,
  response: unknown,
  facts: { valid: boolean; batch: boolean; requestId?: string | undefined },
): Promise<void> {
  const usage = readUsage(response);
  // `force` means neither read nor write the cache, as in `complete()`.
  if (facts.valid && task.request.force !== true && isCacheable(prepared, response)) {
    try {
      await recorder.cache.set(task.namespace, task.cacheKey, {
        response,
        meta: {
          createdAt: recorder.clock.now(),
          model: recorder.model.model,
          usage,
          keyVersion: keyVersionOf(task.cacheKey),
        },
      });
    } catch (error) {
      recorder.logger.warn(`Could not cache the answer of request ${task.customId}: ${String(error)}`);
    }
  }
  const rowUsed = rowUsage(recorder, prepared, response);
  recordOnce(recorder, {
    ...base(recorder, task, facts.batch),
    completion: safeText(prepared, response),
    ...(rowUsed ? { usage: rowUsed } : {}),
    cacheHit: false,
    status: facts.valid ? 'ok' : 'OutputValidationError',
    ...(facts.requestId === undefined ? {} : { requestId: facts.requestId }),
  });
}

/** Records an answer served from the cache at enqueue time (a hit: counted, not charged). */
export function recordCacheHit(
  recorder: Recorder,
  task: TaskRecord,
  prepared: PreparedRequest,
  requestId: string,
): void {
  const usage = rowUsage(recorder, prepared, task.response);
  recordOnce(recorder, {
    requestId,
    ...base(recorder, task, true),
    completion: safeText(prepared, task.response),
    ...(usage ? { usage } : {}),
    cacheHit: true,
    status: 'ok',
  });
}

/** Records a request the API answered with an error. */
export function recordFailure(
  recorder: Recorder,
  task: TaskRecord,
  status: string,
  batch: boolean,
  requestId?: string,
): void {
  recordOnce(recorder, {
    ...base(recorder, task, batch),
    cacheHit: false,
    status,
    ...(requestId === undefined ? {} : { requestId }),
  });
}

function base(
  recorder: Recorder,
  task: TaskRecord,
  batch: boolean,
): Omit<BatchCallRecord, 'cacheHit' | 'status'> {
  return {
    model: recorder.model.model,
    uniqueName: recorder.model.uniqueName,
    timestamp: new Date(recorder.clock.now()),
    systemPrompt: task.systemPreview,
    prompt: task.promptPreview,
    batch,
    prices: recorder.model.prices,
    ...(recorder.model.provider !== undefined ? { provider: recorder.model.provider } : {}),
    ...(recorder.model.apiBase !== undefined ? { apiBase: recorder.model.apiBase } : {}),
  };
}

function safeText(prepared: PreparedRequest, response: unknown): string {
  try {
    return completionText(prepared, response);
  } catch {
    return '';
  }
}
