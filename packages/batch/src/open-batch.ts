import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type OpenAI from 'openai';
import { prepareRequest } from '@maxllm/request';
import type { CompleteRequest } from '@maxllm/request';
import type { ZodType } from 'zod';
import { assembleResults } from './assemble-results';
import type { LineSource, OnlineRecord } from './assemble-results';
import { sleep, stderrLogger, systemClock } from './clock';
import type { BatchCache, BatchConfig, BatchLedger, BatchModel } from './dependencies';
import { downloadFile } from './download';
import { BatchRequestError, BatchStateError, BatchWorkspaceError } from './errors';
import { combineJobStates, isFinalState, isFinalStatus } from './job-state';
import { MANIFEST_VERSION, readManifest, writeManifest } from './manifest';
import type { Manifest } from './manifest';
import { runOnline } from './online-retry';
import { findCreatedBatch, findUploadedFile } from './resume-lookup';
import type { OutputLine } from './output-line';
import type { Recorder } from './recorder';
import { TaskLog, readJsonLines, recoverTaskLog } from './task-log';
import type { TaskRecord } from './task-log';
import type { BatchLimits, BatchProgress, BatchResult, BatchState, Clock, JobRecord, Logger } from './types';
import { writeUploadFiles } from './upload-files';
import type { ResolvedLimits } from './upload-files';
import { resolveWorkspace } from './workspace';

/** Options of {@link openBatch}. */
export interface OpenBatchOptions {
  /** Model alias, resolved with `config.resolveModel`. Every request of the batch goes to this model. */
  model: string;
  /**
   * A folder name under `config.paths.batch`, or an absolute path. An existing workspace is reopened with its state,
   * job ids and custom ids. @default a new name from the current time, e.g. `20260131-142501-3f9a`
   */
  workspace?: string;
  /** Loaded MaxLLM config (`@maxllm/config`): model resolution and `paths.batch`. */
  config: BatchConfig;
  /** The response cache (`@maxllm/cache`) that `complete()` uses: hits are answered without upload, answers stored. */
  cache: BatchCache;
  /** The ledger (`@maxllm/ledger`): one row per answer, with `batch: true` (batch price). */
  ledger: BatchLedger;
  /** Builds the SDK client for the model (the MaxLLM client passes its factory: key, base URL, `maxRetries: 0`). */
  createOpenAI(model: BatchModel): OpenAI;
  /** Global request flag (as `setRequestFlag`); a request's own `requestFlag` wins. Falsy means none. */
  requestFlag?: unknown;
  /** Time source for polling and back-off. @default the real clock */
  clock?: Clock;
  /** @default warnings and errors to stderr */
  logger?: Logger;
  /** Split limits of upload files (each file is one batch job). */
  limits?: BatchLimits;
  /**
   * Schema of the structured outputs, for a reopened workspace (zod schemas cannot be stored). Without it, a task
   * enqueued with `jsonFormat` in another process yields the parsed JSON, unvalidated. Per-item schemas: `results({ schemas })`.
   */
  schema?: ZodType;
}

/** Options of {@link BatchHandle.waitUntilDone}. */
export interface WaitOptions {
  /** Time between two polls of the jobs. @default 30000 @unit milliseconds */
  pollIntervalMs?: number;
  /** Stops waiting (the jobs keep running; reopen and wait again later). */
  signal?: AbortSignal;
  /** Called after every poll with the request counts. */
  onProgress?(progress: BatchProgress): void;
}

/** Options of {@link BatchHandle.retryFailed}. */
export interface RetryOptions {
  /** `online`: call the API now, request by request; `batch`: a new round of batch jobs in this workspace. */
  via: 'online' | 'batch';
  /**
   * Online only: how to run one request (the MaxLLM client passes its `complete`, so rate limits, cache and ledger
   * apply). Without it, the stored request body is sent as is with the SDK, and the answer cached and recorded here.
   */
  complete?: (request: CompleteRequest) => Promise<unknown>;
  /** Online only: requests in flight at once. @default 8 */
  concurrency?: number;
  /** Batch only: metadata for the new jobs. */
  metadata?: Record<string, string>;
  signal?: AbortSignal;
}

/** What {@link BatchHandle.retryFailed} did. */
export interface RetrySummary {
  /** Custom ids that were retried. */
  readonly retried: readonly string[];
}

/** A batch workspace: enqueue, upload, wait, read results. Every step survives the process (see `openBatch`). */
export interface BatchHandle {
  /** Absolute path of the workspace folder. */
  readonly workspace: string;
  /** Current state. */
  readonly state: BatchState;
  /** Upload files and their jobs. */
  readonly jobs: readonly JobRecord[];
  /** Number of requests enqueued (the next custom id). */
  readonly size: number;
  /**
   * Adds a request (same fields as `complete()`). A cache hit is answered at once and never uploaded.
   * Durable once `flush()`, `upload()` or `close()` returned.
   * @returns its custom id.
   * @throws BatchStateError after `upload()`; InvalidRequestError (`@maxllm/request`) for a malformed request;
   *   BatchRequestError when the request is for another model or larger than one upload file.
   */
  enqueue(request: CompleteRequest): Promise<string>;
  /** Writes buffered tasks to `tasks.jsonl` and updates the manifest. */
  flush(): Promise<void>;
  /**
   * Writes the upload files, uploads them and creates one job per file; resumes where a crashed upload stopped
   * (a file whose id is recorded is never uploaded again). Nothing to upload → state `cached`.
   */
  upload(options?: { metadata?: Record<string, string>; signal?: AbortSignal }): Promise<BatchState>;
  /** Polls every job until all are final; returns the combined state. */
  waitUntilDone(options?: WaitOptions): Promise<BatchState>;
  /** Asks the API to cancel every running job (then `waitUntilDone()` sees them `cancelled`). */
  cancel(): Promise<void>;
  /**
   * Downloads outputs and errors, and returns one result per enqueued request in enqueue order. The first call writes
   * every answer to the cache and the ledger; later calls do not record again.
   */
  results(options?: { schemas?: Record<string, ZodType>; signal?: AbortSignal }): Promise<BatchResult[]>;
  /** Re-runs only the requests without an answer (failed lines, failed/expired/cancelled jobs, invalid output). */
  retryFailed(options: RetryOptions): Promise<RetrySummary>;
  /** The enqueued tasks, streamed from disk in enqueue order. */
  tasks(): AsyncIterable<TaskRecord>;
  /** Flushes and fsyncs the tasks file. */
  close(): Promise<void>;
}

const DEFAULT_LIMITS: ResolvedLimits = {
  maxRequestsPerFile: 50_000,
  maxBytesPerFile: 200_000_000,
  maxTokensPerBatch: Number.POSITIVE_INFINITY,
};

const MAX_POLL_FAILURES = 5;

/**
 * Opens (or creates) a batch workspace for one model: `manifest.json` (written atomically), `tasks.jsonl`, upload files,
 * downloaded outputs. Reopening restores the state, job ids and custom ids.
 * @throws BatchWorkspaceError for a bad workspace name, a corrupt manifest, or a workspace of another model.
 */
export async function openBatch(options: OpenBatchOptions): Promise<BatchHandle> {
  const clock = options.clock ?? systemClock;
  const model = options.config.resolveModel(options.model);
  const dir = resolveWorkspace(options.config.paths.batch, options.workspace, clock.now());
  await mkdir(dir, { recursive: true });
  let manifest = await readManifest(dir);
  const tasksPath = join(dir, 'tasks.jsonl');
  const lines = await recoverTaskLog(tasksPath);
  if (manifest && manifest.uniqueName !== model.uniqueName) {
    throw new BatchWorkspaceError(
      dir,
      `The workspace belongs to model '${manifest.model}' (${manifest.uniqueName}), not '${options.model}' (${model.uniqueName})`,
    );
  }
  if (!manifest) {
    manifest = {
      version: MANIFEST_VERSION,
      model: options.model,
      uniqueName: model.uniqueName,
      state: 'enqueuing',
      createdAt: clock.now(),
      nextCustomId: 0,
      cachedCount: 0,
      jobs: [],
      cachedRecorded: false,
      cancelRequested: false,
    };
    if (lines > 0) manifest.nextCustomId = lines;
    await writeManifest(dir, manifest);
  }
  if (lines !== manifest.nextCustomId) {
    // The process stopped between appending tasks and updating the manifest: the tasks file is the truth.
    let cached = 0;
    for await (const task of readJsonLines<TaskRecord>(tasksPath)) if (task.cached) cached += 1;
    manifest.nextCustomId = lines;
    manifest.cachedCount = cached;
    await writeManifest(dir, manifest);
  }
  return new Batch(options, model, dir, manifest, new TaskLog(tasksPath, lines), clock);
}

class Batch implements BatchHandle {
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
  #saving: Promise<void> = Promise.resolve();
  #openai: OpenAI | undefined;

  constructor(
    options: OpenBatchOptions,
    model: BatchModel,
    dir: string,
    manifest: Manifest,
    log: TaskLog,
    clock: Clock,
  ) {
    this.#options = options;
    this.#model = model;
    this.workspace = dir;
    this.#manifest = manifest;
    this.#log = log;
    this.#clock = clock;
    this.#logger = options.logger ?? stderrLogger;
    this.#limits = { ...DEFAULT_LIMITS, ...definedOnly(options.limits ?? {}) };
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
    const { model, uniqueName, apiBase, mode } = this.#model;
    const prepared = prepareRequest(
      request,
      { model, uniqueName, apiBase, mode },
      { requestFlag: this.#options.requestFlag },
    );
    const bodyText = JSON.stringify(prepared.body);
    if (bodyText.length + 100 > this.#limits.maxBytesPerFile) {
      throw new BatchRequestError(
        `The request body (${bodyText.length} bytes) does not fit in one upload file (${this.#limits.maxBytesPerFile} bytes)`,
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
    const responseFormat = prepared.body.response_format as { json_schema?: unknown } | undefined;
    this.#log.fill(index, {
      customId,
      cacheKey: prepared.cacheKey,
      namespace: prepared.namespace,
      kind: prepared.kind,
      endpoint: prepared.endpoint,
      body: prepared.body,
      ...(prepared.schema ? { schema: responseFormat?.json_schema } : {}),
      jsonMode: prepared.jsonMode,
      raw: prepared.raw,
      maxTokens: prepared.maxTokens,
      promptPreview: prepared.promptPreview,
      systemPreview: prepared.systemPreview,
      tokens: Math.ceil(bodyText.length / 4),
      cached: cached !== undefined,
      ...(cached === undefined ? {} : { response: cached }),
      request: storableRequest(request),
    });
    if (cached !== undefined) this.#cachedPending += 1;
    return customId;
  }

  async flush(): Promise<void> {
    await this.#log.flush();
    await this.#syncCounts();
  }

  async close(): Promise<void> {
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
      await this.close();
      const jobs = await writeUploadFiles({
        workspace: this.workspace,
        prefix: basename(this.workspace),
        round: 0,
        tasks: this.#log.read(),
        include: (task) => !task.cached,
        limits: this.#limits,
      });
      if (jobs.length === 0) {
        this.#manifest.state = 'cached';
        await this.#save();
        return 'cached';
      }
      this.#manifest.jobs = jobs;
      this.#manifest.state = 'uploading';
      await this.#save();
    }
    await this.#submit(options.metadata ?? {}, options.signal, resuming);
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

  async cancel(): Promise<void> {
    const state = this.#manifest.state;
    if (isFinalState(state)) return;
    this.#manifest.cancelRequested = true;
    if (state === 'enqueuing') {
      await this.close();
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
      const batch = await openai.batches.cancel(job.jobId);
      this.#manifest.jobs[position] = updateJob(job, batch);
    }
    this.#manifest.state = combineJobStates(this.#manifest.jobs);
    await this.#save();
  }

  async results(
    options: { schemas?: Record<string, ZodType>; signal?: AbortSignal } = {},
  ): Promise<BatchResult[]> {
    this.#expect(
      'results',
      ['completed', 'failed', 'expired', 'cancelled', 'cached'],
      'wait until every job is final (waitUntilDone())',
    );
    await this.#download(options.signal);
    const answers = new Map<number, LineSource>();
    const jobs = [...this.#manifest.jobs].sort((a, b) => a.round - b.round);
    for (const job of jobs) {
      for (const fileId of [job.outputFileId, job.errorFileId]) {
        if (fileId === undefined) continue;
        for await (const line of readJsonLines<OutputLine>(this.#downloadPath(fileId))) {
          answers.set(Number(line.custom_id), { line, job });
        }
      }
    }
    const online = new Map<number, OnlineRecord>();
    for await (const record of readJsonLines<OnlineRecord>(join(this.workspace, 'online.jsonl'))) {
      online.set(Number(record.customId), record);
    }
    const recordJobs = new Set(
      this.#manifest.jobs.filter((job) => !job.recorded && isFinalStatus(job.status)).map((job) => job.file),
    );
    const schemas = options.schemas ?? {};
    const results = await assembleResults({
      tasks: this.#log.read(),
      jobs: this.#manifest.jobs,
      answers,
      online,
      schemaFor: (customId) => schemas[customId] ?? this.#schemas.get(customId) ?? this.#options.schema,
      recordJobs,
      recordCached: !this.#manifest.cachedRecorded,
      recorder: this.#recorder(),
      state: this.#manifest.state,
    });
    await this.#options.ledger.flush();
    this.#manifest.cachedRecorded = true;
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
      include: (task) => wanted.has(task.customId),
      limits: this.#limits,
    });
    this.#manifest.jobs.push(...jobs);
    this.#manifest.cancelRequested = false;
    this.#manifest.state = 'uploading';
    await this.#save();
    await this.#submit(options.metadata ?? {}, options.signal, false);
    return { retried: failed };
  }

  async *tasks(): AsyncIterable<TaskRecord> {
    await this.#log.flush();
    yield* this.#log.read();
  }

  /**
   * Uploads files and creates jobs that are not recorded yet, saving each id as soon as the API returns it. When
   * `resuming`, first looks for a file or job the interrupted attempt created but could not record.
   */
  async #submit(
    extraMetadata: Record<string, string>,
    signal: AbortSignal | undefined,
    resuming: boolean,
  ): Promise<void> {
    const openai = this.#client();
    const jobs = this.#manifest.jobs;
    const since = this.#manifest.createdAt;
    for (const [position, job] of jobs.entries()) {
      if (this.#manifest.cancelRequested) break;
      if (job.jobId !== undefined || isFinalStatus(job.status)) continue;
      let current = job;
      const path = join(this.workspace, current.file);
      if (current.fileId === undefined) {
        const fileId =
          (resuming ? await findUploadedFile(openai, basename(path), current.bytes, since) : undefined) ??
          (await openai.files.create({ file: createReadStream(path), purpose: 'batch' }, { signal })).id;
        current = { ...current, fileId };
        jobs[position] = current;
        await this.#save();
      }
      const fileId = current.fileId!;
      const batch =
        (resuming ? await findCreatedBatch(openai, fileId, since) : undefined) ??
        (await openai.batches.create(
          {
            input_file_id: fileId,
            endpoint: current.endpoint as OpenAI.Batches.BatchCreateParams['endpoint'],
            completion_window: '24h',
            metadata: {
              maxllm_workspace: basename(this.workspace),
              maxllm_file: current.file,
              ...extraMetadata,
            },
          },
          { signal },
        ));
      jobs[position] = updateJob({ ...current, jobId: batch.id }, batch);
      await this.#save();
    }
    this.#manifest.state = combineJobStates(jobs);
    await this.#save();
  }

  async #poll(signal: AbortSignal | undefined): Promise<void> {
    const openai = this.#client();
    const jobs = this.#manifest.jobs;
    let changed = false;
    for (const [position, job] of jobs.entries()) {
      if (job.jobId === undefined || isFinalStatus(job.status)) continue;
      const batch = await openai.batches.retrieve(job.jobId, { signal });
      const next = updateJob(job, batch);
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
  }

  async #download(signal: AbortSignal | undefined): Promise<void> {
    for (const job of this.#manifest.jobs) {
      for (const fileId of [job.outputFileId, job.errorFileId]) {
        if (fileId === undefined || (await exists(this.#downloadPath(fileId)))) continue;
        await mkdir(join(this.workspace, 'downloads'), { recursive: true });
        await downloadFile({
          openai: this.#client(),
          fileId,
          path: this.#downloadPath(fileId),
          clock: this.#clock,
          logger: this.#logger,
          signal,
        });
      }
    }
  }

  #downloadPath(fileId: string): string {
    return join(this.workspace, 'downloads', `${fileId.replace(/[^\w.-]/g, '_')}.jsonl`);
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
    };
  }

  #client(): OpenAI {
    this.#openai ??= this.#options.createOpenAI(this.#model);
    return this.#openai;
  }

  #expect(call: string, states: readonly BatchState[], hint: string): void {
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

function updateJob(job: JobRecord, batch: OpenAI.Batches.Batch): JobRecord {
  const errors = batch.errors?.data?.map((error) =>
    [error.code, error.message, error.line === undefined || error.line === null ? '' : `(line ${error.line})`]
      .filter(Boolean)
      .join(' '),
  );
  return {
    ...job,
    status: batch.status,
    ...(batch.request_counts
      ? {
          requestCounts: {
            total: batch.request_counts.total,
            completed: batch.request_counts.completed,
            failed: batch.request_counts.failed,
          },
        }
      : {}),
    ...(batch.output_file_id ? { outputFileId: batch.output_file_id } : {}),
    ...(batch.error_file_id ? { errorFileId: batch.error_file_id } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** The request without what cannot be stored: the abort signal and the zod schema (kept in memory instead). */
function storableRequest(request: CompleteRequest): Record<string, unknown> {
  const { signal: _signal, jsonFormat: _jsonFormat, ...rest } = request;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
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
