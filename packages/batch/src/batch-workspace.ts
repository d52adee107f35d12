import { type Clock, type Logger, sleep, stderrLogger } from '@maxllm/core';
import { mkdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type OpenAI from 'openai';
import { prepareRequest } from '@maxllm/request';
import type { CompleteRequest } from '@maxllm/request';
import type { ZodType } from 'zod';
import { assembleResults } from './assemble-results';
import type { BatchHandle, OpenBatchOptions, RetryOptions, RetrySummary, WaitOptions } from './batch-handle';
import { collectAnswers, downloadPath } from './collect-answers';
import type { BatchModel } from './dependencies';
import { downloadFile } from './download';
import { ledgerRequestIds } from './ledger-request-ids';
import { BatchRequestError, BatchStateError } from './errors';
import { combineJobStates, isFinalState, isFinalStatus, updateJob } from './job-state';
import { writeManifest } from './manifest';
import type { Manifest } from './manifest';
import { runOnline } from './online-retry';
import { workspaceRowOwner, type Recorder } from './recorder';
import { requeueIfTokenLimited, submitJobs } from './submit-jobs';
import type { TaskLog, TaskRecord } from './task-log';
import { taskRecord } from './task-record';
import type { BatchProgress, BatchResult, BatchState, JobRecord } from './types';
import { writeUploadFiles } from './upload-files';
import { unlockWorkspace } from './workspace-lock';
import type { ResolvedLimits } from './upload-files';

const DEFAULT_LIMITS: ResolvedLimits = {
  maxRequestsPerFile: 50_000,
  maxBytesPerFile: 200_000_000,
  maxTokensPerBatch: Number.POSITIVE_INFINITY,
};

const MAX_POLL_FAILURES = 5;

/** The handle `openBatch` returns: one workspace folder, its manifest and its tasks. */
export class BatchWorkspace implements BatchHandle {
  readonly workspace: string;
  readonly #options: OpenBatchOptions;
  readonly #model: BatchModel;
  readonly #manifest: Manifest;
  readonly #log: TaskLog;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #limits: ResolvedLimits;
  readonly #schemas = new Map<string, ZodType>();
  #cachedPending = 0;
  /** Namespace + cache key → custom id of the first uncached, unforced request with that key. */
  readonly #keys: Map<string, string>;
  #saving: Promise<void> = Promise.resolve();
  #resultsChain: Promise<void> = Promise.resolve();
  #closed = false;
  /** Opened on a workspace whose upload had started: the first submit looks for unrecorded files and jobs. */
  #reopened: boolean;
  #openai: OpenAI | undefined;

  constructor(
    options: OpenBatchOptions,
    model: BatchModel,
    dir: string,
    manifest: Manifest,
    log: TaskLog,
    clock: Clock,
    keys: Map<string, string>,
  ) {
    this.#options = options;
    this.#model = model;
    this.workspace = dir;
    this.#manifest = manifest;
    this.#log = log;
    this.#clock = clock;
    this.#logger = options.logger ?? stderrLogger;
    this.#limits = { ...DEFAULT_LIMITS, ...definedOnly(options.limits ?? {}) };
    this.#reopened = manifest.state === 'uploading' || manifest.state === 'in_progress';
    this.#keys = keys;
  }

  get state(): BatchState {
    return this.#manifest.state;
  }

  get jobs(): readonly JobRecord[] {
    return this.#manifest.jobs;
  }

  get size(): number {
    return this.#log.size;
  }

  async enqueue(request: CompleteRequest): Promise<string> {
    this.#expect('enqueue', ['enqueuing'], 'requests can only be added before upload()');
    if (this.#manifest.cancelRequested) {
      throw new BatchStateError('enqueue', 'cancelled', 'the batch was cancelled');
    }
    if (request.model !== undefined && request.model !== this.#manifest.model) {
      const other = this.#options.config.resolveModel(request.model);
      if (other.uniqueName !== this.#model.uniqueName) {
        throw new BatchRequestError(
          `This batch is for model '${this.#manifest.model}'; the request asks for '${request.model}'`,
        );
      }
    }
    // The model's `service_tier` is not sent: a batch is its own tier. It is not part of the cache key either,
    // so the answer lands under the key an online call (with its tier) looks up.
    const { model, uniqueName, apiBase, mode, api } = this.#model;
    const prepared = prepareRequest(
      request,
      { model, uniqueName, apiBase, mode, api },
      { requestFlag: this.#options.requestFlag },
    );
    const bodyText = JSON.stringify(prepared.body);
    const bytes = Buffer.byteLength(bodyText) + 100; // + the line's custom_id, method and url
    if (bytes > this.#limits.maxBytesPerFile) {
      throw new BatchRequestError(
        `The request (${bytes} bytes) does not fit in one upload file (maxBytesPerFile ${this.#limits.maxBytesPerFile})`,
      );
    }
    const index = this.#log.reserve();
    const customId = String(index);
    if (prepared.schema) this.#schemas.set(customId, prepared.schema);
    let cached: unknown;
    if (request.force !== true) {
      try {
        cached = (await this.#options.cache.get(prepared.namespace, prepared.cacheKey))?.response;
      } catch (error) {
        this.#logger.warn(`Cache read failed for request ${customId}; it will be uploaded: ${String(error)}`);
      }
    }
    // An identical request already in this batch: send it once, share the answer.
    const key = `${prepared.namespace}\n${prepared.cacheKey}`;
    const duplicateOf = cached === undefined && request.force !== true ? this.#keys.get(key) : undefined;
    if (cached === undefined && request.force !== true && duplicateOf === undefined)
      this.#keys.set(key, customId);
    const written = this.#log.fill(
      index,
      taskRecord(customId, prepared, request, bodyText, cached, duplicateOf),
    );
    if (cached !== undefined) this.#cachedPending += 1;
    if (written) await written;
    return customId;
  }

  async flush(): Promise<void> {
    await this.#log.flush();
    await this.#syncCounts();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#finishTasks();
    await this.#saving;
    this.#closed = true;
    await unlockWorkspace(this.workspace);
  }

  /** Flushes and fsyncs `tasks.jsonl` and records the counts in the manifest. */
  async #finishTasks(): Promise<void> {
    await this.#log.close();
    await this.#syncCounts();
  }

  async upload(
    options: { metadata?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<BatchState> {
    this.#expect('upload', ['enqueuing', 'uploading'], 'the batch was already uploaded');
    if (this.#manifest.cancelRequested)
      throw new BatchStateError('upload', 'cancelled', 'the batch was cancelled');
    // A previous upload stopped half-way (crash, network error): its last file or job may exist without its id.
    const resuming = this.#manifest.state === 'uploading';
    if (this.#manifest.state === 'enqueuing') {
      await this.#finishTasks();
      const jobs = await writeUploadFiles({
        workspace: this.workspace,
        prefix: basename(this.workspace),
        round: 0,
        tasks: this.#log.read(),
        include: (task) => !task.cached && task.duplicateOf === undefined,
        limits: this.#limits,
      });
      if (jobs.length === 0) {
        this.#manifest.state = 'cached';
        await this.#save();
        return 'cached';
      }
      this.#manifest.jobs = withMetadata(jobs, options.metadata);
      this.#manifest.state = 'uploading';
      await this.#save();
    }
    await this.#submit(options.signal, resuming);
    return this.#manifest.state;
  }

  async waitUntilDone(options: WaitOptions = {}): Promise<BatchState> {
    this.#expect(
      'waitUntilDone',
      ['in_progress', 'completed', 'failed', 'expired', 'cancelled', 'cached'],
      'call upload() first',
    );
    const interval = options.pollIntervalMs ?? 30_000;
    let failures = 0;
    for (;;) {
      if (isFinalState(this.#manifest.state)) {
        options.onProgress?.(this.#progress());
        return this.#manifest.state;
      }
      try {
        await this.#poll(options.signal);
        failures = 0;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        failures += 1;
        if (failures >= MAX_POLL_FAILURES) throw error;
        this.#logger.warn(`Polling batch jobs failed (${failures}/${MAX_POLL_FAILURES}): ${String(error)}`);
      }
      if (isFinalState(this.#manifest.state)) continue;
      options.onProgress?.(this.#progress());
      await sleep(this.#clock, interval, options.signal);
    }
  }

  async refresh(options: { signal?: AbortSignal } = {}): Promise<BatchState> {
    this.#expect(
      'refresh',
      ['in_progress', 'completed', 'failed', 'expired', 'cancelled', 'cached'],
      'call upload() first',
    );
    if (!isFinalState(this.#manifest.state)) await this.#poll(options.signal);
    return this.#manifest.state;
  }

  async cancel(): Promise<void> {
    if (this.#closed)
      throw new BatchStateError('cancel', 'closed', 'the handle was closed; open the workspace again');
    const state = this.#manifest.state;
    if (isFinalState(state)) return;
    this.#manifest.cancelRequested = true;
    if (state === 'enqueuing') {
      await this.#finishTasks();
      this.#manifest.state = 'cancelled';
      await this.#save();
      return;
    }
    const openai = this.#client();
    for (const [position, job] of this.#manifest.jobs.entries()) {
      if (isFinalStatus(job.status)) continue;
      if (job.jobId === undefined) {
        this.#manifest.jobs[position] = { ...job, status: 'cancelled' };
        continue;
      }
      let batch: OpenAI.Batches.Batch;
      try {
        batch = await openai.batches.cancel(job.jobId);
      } catch (error) {
        // It may have ended meanwhile (the API refuses to cancel a finished job): then keep its real outcome.
        batch = await openai.batches.retrieve(job.jobId);
        if (!isFinalStatus(batch.status)) throw error;
      }
      this.#manifest.jobs[position] = updateJob(job, batch);
    }
    this.#manifest.state = combineJobStates(this.#manifest.jobs);
    await this.#save();
  }

  results(options: { schemas?: Record<string, ZodType>; signal?: AbortSignal } = {}): Promise<BatchResult[]> {
    // One at a time: two overlapping calls must not both record the same answers.
    const run = this.#resultsChain.then(() => this.#results(options));
    this.#resultsChain = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  async #results(options: {
    schemas?: Record<string, ZodType>;
    signal?: AbortSignal;
  }): Promise<BatchResult[]> {
    this.#expect(
      'results',
      ['completed', 'failed', 'expired', 'cancelled', 'cached'],
      'wait until every job is final (waitUntilDone())',
    );
    await this.#download(options.signal);
    const { answers, online } = await collectAnswers(this.workspace, this.#manifest.jobs);
    const recordJobs = new Set(
      this.#manifest.jobs.filter((job) => !job.recorded && isFinalStatus(job.status)).map((job) => job.file),
    );
    const schemas = options.schemas ?? {};
    const recordCached = !this.#manifest.cachedRecorded;
    // Rows written by a results() that died before marking its jobs recorded are in the ledger already.
    const recorded = this.#manifest.recording
      ? await ledgerRequestIds(this.#options.ledger.path, this.#manifest.uniqueName, this.#manifest.createdAt)
      : undefined;
    if ((recordJobs.size > 0 || recordCached) && !this.#manifest.recording) {
      this.#manifest.recording = true;
      await this.#save();
    }
    const results = await assembleResults({
      tasks: this.#log.read(),
      jobs: this.#manifest.jobs,
      answers,
      online,
      schemaFor: (customId) => schemas[customId] ?? this.#schemas.get(customId) ?? this.#options.schema,
      recordJobs,
      recordCached,
      recorder: { ...this.#recorder(), ...(recorded ? { recorded } : {}) },
      state: this.#manifest.state,
      batchName: workspaceRowOwner(this.workspace),
    });
    await this.#options.ledger.flush();
    this.#manifest.cachedRecorded = true;
    this.#manifest.recording = false;
    this.#manifest.jobs = this.#manifest.jobs.map((job) =>
      recordJobs.has(job.file) ? { ...job, recorded: true } : job,
    );
    await this.#save();
    return results;
  }

  async retryFailed(options: RetryOptions): Promise<RetrySummary> {
    this.#expect(
      'retryFailed',
      ['completed', 'failed', 'expired', 'cancelled', 'cached'],
      'wait until every job is final (waitUntilDone())',
    );
    const failed = (await this.results(options.signal ? { signal: options.signal } : {}))
      .filter((result) => !result.ok)
      .map((result) => result.customId);
    if (failed.length === 0) return { retried: [] };
    const wanted = new Set(failed);
    if (options.via === 'online') {
      await runOnline({
        tasks: this.#log.read(),
        wanted,
        alias: this.#manifest.model,
        schemaFor: (customId) => this.#schemas.get(customId) ?? this.#options.schema,
        complete: options.complete,
        openai: options.complete ? undefined : this.#client(),
        concurrency: options.concurrency ?? 8,
        signal: options.signal,
        path: join(this.workspace, 'online.jsonl'),
        round: Math.max(0, ...this.#manifest.jobs.map((job) => job.round)),
        recorder: this.#recorder(),
      });
      await this.#options.ledger.flush();
      return { retried: failed };
    }
    const round = Math.max(0, ...this.#manifest.jobs.map((job) => job.round)) + 1;
    const jobs = await writeUploadFiles({
      workspace: this.workspace,
      prefix: basename(this.workspace),
      round,
      tasks: this.#log.read(),
      include: (task) => wanted.has(task.customId) && task.duplicateOf === undefined,
      limits: this.#limits,
    });
    this.#manifest.jobs.push(...withMetadata(jobs, options.metadata));
    this.#manifest.cancelRequested = false;
    this.#manifest.state = 'uploading';
    await this.#save();
    await this.#submit(options.signal, false);
    return { retried: failed };
  }

  async *tasks(): AsyncIterable<TaskRecord> {
    await this.#log.flush();
    yield* this.#log.read();
  }

  async #submit(signal: AbortSignal | undefined, resuming: boolean): Promise<void> {
    await submitJobs({
      openai: this.#client(),
      workspace: this.workspace,
      jobs: this.#manifest.jobs,
      since: this.#manifest.createdAt,
      maxEnqueuedTokens: this.#limits.maxTokensPerBatch,
      resuming: resuming || this.#reopened,
      signal,
      cancelled: () => this.#manifest.cancelRequested,
      save: () => this.#save(),
    });
    this.#reopened = false;
    this.#manifest.state = combineJobStates(this.#manifest.jobs);
    await this.#save();
  }

  async #poll(signal: AbortSignal | undefined): Promise<void> {
    const openai = this.#client();
    const jobs = this.#manifest.jobs;
    let changed = false;
    for (const [position, job] of jobs.entries()) {
      if (job.jobId === undefined || isFinalStatus(job.status)) continue;
      const batch = await openai.batches.retrieve(job.jobId, { signal });
      const next = requeueIfTokenLimited(updateJob(job, batch));
      if (JSON.stringify(next) !== JSON.stringify(job)) {
        jobs[position] = next;
        changed = true;
      }
    }
    const state = combineJobStates(jobs);
    if (changed || state !== this.#manifest.state) {
      this.#manifest.state = state;
      await this.#save();
    }
    // Jobs waiting for enqueued-token capacity (or re-queued) are created as running ones finish.
    if (
      !this.#manifest.cancelRequested &&
      jobs.some((job) => job.jobId === undefined && job.status === undefined)
    ) {
      await this.#submit(signal, false);
    }
  }

  async #download(signal: AbortSignal | undefined): Promise<void> {
    for (const job of this.#manifest.jobs) {
      for (const fileId of [job.outputFileId, job.errorFileId]) {
        const path = downloadPath(this.workspace, fileId ?? '');
        if (fileId === undefined || (await exists(path))) continue;
        await mkdir(join(this.workspace, 'downloads'), { recursive: true, mode: 0o700 });
        await downloadFile({
          openai: this.#client(),
          fileId,
          path,
          clock: this.#clock,
          logger: this.#logger,
          signal,
        });
      }
    }
  }

  #progress(): BatchProgress {
    let total = 0;
    let completed = 0;
    let failed = 0;
    for (const job of this.#manifest.jobs) {
      total += job.requestCounts?.total ?? job.requests;
      completed += job.requestCounts?.completed ?? 0;
      failed += job.requestCounts?.failed ?? 0;
    }
    return {
      state: this.#manifest.state,
      total,
      completed,
      failed,
      cached: this.#manifest.cachedCount,
      jobs: this.#manifest.jobs,
    };
  }

  #recorder(): Recorder {
    return {
      cache: this.#options.cache,
      ledger: this.#options.ledger,
      model: this.#model,
      clock: this.#clock,
      logger: this.#logger,
      estimateUsage: this.#options.estimateUsage,
    };
  }

  #client(): OpenAI {
    this.#openai ??= this.#options.createOpenAI(this.#model);
    return this.#openai;
  }

  #expect(call: string, states: readonly BatchState[], hint: string): void {
    if (this.#closed)
      throw new BatchStateError(call, 'closed', 'the handle was closed; open the workspace again');
    if (!states.includes(this.#manifest.state)) throw new BatchStateError(call, this.#manifest.state, hint);
  }

  async #syncCounts(): Promise<void> {
    const written = this.#log.written;
    if (written === this.#manifest.nextCustomId && this.#cachedPending === 0) return;
    this.#manifest.nextCustomId = written;
    this.#manifest.cachedCount += this.#cachedPending;
    this.#cachedPending = 0;
    await this.#save();
  }

  /** Saves the manifest; saves run one after the other, each writing the latest state. */
  #save(): Promise<void> {
    const next = this.#saving.then(() => writeManifest(this.workspace, this.#manifest));
    this.#saving = next.catch(() => {});
    return next;
  }
}

function withMetadata(jobs: JobRecord[], metadata: Record<string, string> | undefined): JobRecord[] {
  return metadata ? jobs.map((job) => ({ ...job, metadata })) : jobs;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
