import type { Clock } from '@maxllm/core';
import { parseBatchInput, lineFaultError, type BatchLine } from './batch-lines';
import { BATCH_ENDPOINTS, type BatchObject, type LineExecutor } from './batch-object';
import { MockRequestError, invalidParam } from './errors';
import type { FileStore } from './file-store';
import { newId, newRequestId } from './ids';

interface BatchRecord {
  object: BatchObject;
  lines: BatchLine[];
  output: string[];
  errors: string[];
  timer?: unknown;
}

/**
 * The Batch API: `validating → in_progress → finalizing → completed`, each step `stepMs` long on the injected
 * clock; invalid input → `failed`; `metadata.mock_outcome: 'expired' | 'failed'` forces that end;
 * cancel → `cancelling → cancelled`. Lines run through the online handlers but bypass the online rate limits.
 */
export class BatchStore {
  private batches = new Map<string, BatchRecord>();

  constructor(
    private readonly files: FileStore,
    private readonly clock: Clock,
    private readonly stepMs: number,
    private readonly execute: LineExecutor,
  ) {}

  private seconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private schedule(record: BatchRecord, step: () => void): void {
    record.timer = this.clock.setTimeout(() => {
      record.timer = undefined;
      step();
    }, this.stepMs);
  }

  /** `POST /v1/batches`. */
  create(body: Record<string, unknown>): BatchObject {
    const inputFileId = body.input_file_id;
    if (typeof inputFileId !== 'string')
      throw invalidParam('input_file_id', "Missing required parameter: 'input_file_id'.");
    if (typeof body.endpoint !== 'string' || !BATCH_ENDPOINTS.includes(body.endpoint)) {
      throw invalidParam('endpoint', `Invalid 'endpoint': expected one of ${BATCH_ENDPOINTS.join(', ')}.`);
    }
    if (body.completion_window !== '24h') {
      throw invalidParam('completion_window', "Invalid 'completion_window': expected '24h'.");
    }
    const file = this.files.get(inputFileId);
    if (file.object.purpose !== 'batch') {
      throw invalidParam(
        'input_file_id',
        `File ${inputFileId} has purpose '${file.object.purpose}', expected 'batch'.`,
      );
    }
    const now = this.seconds();
    const object: BatchObject = {
      id: newId('batch_'),
      object: 'batch',
      endpoint: body.endpoint,
      input_file_id: inputFileId,
      completion_window: '24h',
      status: 'validating',
      created_at: now,
      expires_at: now + 24 * 3600,
      request_counts: { total: 0, completed: 0, failed: 0 },
      metadata: (body.metadata as Record<string, string> | undefined) ?? null,
    };
    const record: BatchRecord = { object, lines: [], output: [], errors: [] };
    this.batches.set(object.id, record);
    this.schedule(record, () => this.validate(record, file.content));
    return structuredClone(object);
  }

  private validate(record: BatchRecord, content: Buffer): void {
    const batch = record.object;
    const { lines, errors } = parseBatchInput(content, batch.endpoint);
    const forced = batch.metadata?.mock_outcome === 'failed';
    if (errors.length > 0 || forced) {
      const data = forced
        ? [
            {
              code: 'mock_failed',
              message: 'Failed on request (metadata.mock_outcome).',
              param: null,
              line: null,
            },
          ]
        : errors;
      batch.status = 'failed';
      batch.failed_at = this.seconds();
      batch.errors = { object: 'list', data };
      return;
    }
    record.lines = lines;
    const model = lines[0]?.body.model;
    if (typeof model === 'string') batch.model = model;
    batch.status = 'in_progress';
    batch.in_progress_at = this.seconds();
    batch.request_counts.total = lines.length;
    this.schedule(record, () => this.process(record));
  }

  private process(record: BatchRecord): void {
    const batch = record.object;
    const expire = batch.metadata?.mock_outcome === 'expired';
    const runnable = expire ? record.lines.slice(0, Math.floor(record.lines.length / 2)) : record.lines;
    const usage = { input: 0, output: 0 };
    for (const line of runnable) this.runLine(record, line, usage);
    batch.usage = {
      input_tokens: usage.input,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: usage.output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.input + usage.output,
    };
    if (expire) {
      for (const line of record.lines.slice(runnable.length)) {
        this.unfinished(
          record,
          line,
          'batch_expired',
          'This request could not be executed before the completion window expired.',
        );
      }
      batch.status = 'expired';
      batch.expired_at = this.seconds();
      this.writeFiles(record);
      return;
    }
    batch.status = 'finalizing';
    batch.finalizing_at = this.seconds();
    this.schedule(record, () => {
      this.writeFiles(record);
      batch.status = 'completed';
      batch.completed_at = this.seconds();
    });
  }

  private runLine(record: BatchRecord, line: BatchLine, usage: { input: number; output: number }): void {
    const { mock_fault: fault, ...body } = line.body;
    const requestId = newRequestId();
    const id = newId('batch_req_');
    try {
      const failure = lineFaultError(fault);
      if (failure) throw failure;
      const result = this.execute(record.object.endpoint, body);
      if (fault === 'no-usage') delete result.body.usage;
      usage.input += result.promptTokens;
      usage.output += result.completionTokens;
      record.output.push(
        JSON.stringify({
          id,
          custom_id: line.customId,
          response: { status_code: 200, request_id: requestId, body: result.body },
          error: null,
        }),
      );
      record.object.request_counts.completed++;
    } catch (caught) {
      // A bug in a handler must not crash the process from a timer: it becomes a 500 line, like online.
      const error = MockRequestError.isInstance(caught)
        ? caught
        : new MockRequestError(500, `Mock server bug: ${(caught as Error).message}`, {
            type: 'server_error',
          });
      const response = { status_code: error.httpStatus, request_id: requestId, body: error.toBody() };
      record.errors.push(JSON.stringify({ id, custom_id: line.customId, response, error: null }));
      record.object.request_counts.failed++;
    }
  }

  private unfinished(record: BatchRecord, line: BatchLine, code: string, message: string): void {
    record.errors.push(
      JSON.stringify({
        id: newId('batch_req_'),
        custom_id: line.customId,
        response: null,
        error: { code, message },
      }),
    );
    record.object.request_counts.failed++;
  }

  private writeFiles(record: BatchRecord): void {
    const batch = record.object;
    const now = this.clock.now();
    if (record.output.length > 0) {
      const content = Buffer.from(`${record.output.join('\n')}\n`);
      batch.output_file_id = this.files.add(`${batch.id}_output.jsonl`, 'batch_output', content, now).id;
    }
    if (record.errors.length > 0) {
      const content = Buffer.from(`${record.errors.join('\n')}\n`);
      batch.error_file_id = this.files.add(`${batch.id}_error.jsonl`, 'batch_output', content, now).id;
    }
  }

  private record(id: string): BatchRecord {
    const record = this.batches.get(id);
    if (!record) throw new MockRequestError(404, `No such Batch object: ${id}`, { param: 'id' });
    return record;
  }

  /** `GET /v1/batches/{id}`. */
  get(id: string): BatchObject {
    return structuredClone(this.record(id).object);
  }

  /** `POST /v1/batches/{id}/cancel`: `cancelling` now, `cancelled` one step later (409 when already ended). */
  cancel(id: string): BatchObject {
    const record = this.record(id);
    const batch = record.object;
    if (batch.status === 'cancelling' || batch.status === 'cancelled') return structuredClone(batch);
    if (batch.status !== 'validating' && batch.status !== 'in_progress' && batch.status !== 'finalizing') {
      throw new MockRequestError(409, `Cannot cancel a batch with status '${batch.status}'.`);
    }
    if (record.timer !== undefined) this.clock.clearTimeout(record.timer);
    const finished = batch.status === 'finalizing';
    batch.status = 'cancelling';
    batch.cancelling_at = this.seconds();
    this.schedule(record, () => {
      if (!finished) {
        for (const line of record.lines) {
          this.unfinished(
            record,
            line,
            'batch_cancelled',
            'This request was not executed because the batch was cancelled.',
          );
        }
      }
      this.writeFiles(record);
      batch.status = 'cancelled';
      batch.cancelled_at = this.seconds();
    });
    return structuredClone(batch);
  }

  /** `GET /v1/batches`: newest first, cursor `after`, `limit` (default 20). */
  list(
    limit = 20,
    after?: string,
  ): { object: 'list'; data: BatchObject[]; first_id?: string; last_id?: string; has_more: boolean } {
    let all = [...this.batches.values()].map((record) => record.object).reverse();
    if (after !== undefined) {
      const index = all.findIndex((batch) => batch.id === after);
      all = index >= 0 ? all.slice(index + 1) : [];
    }
    const data = all.slice(0, limit).map((batch) => structuredClone(batch));
    return {
      object: 'list',
      data,
      first_id: data[0]?.id,
      last_id: data[data.length - 1]?.id,
      has_more: all.length > limit,
    };
  }

  /** Stops every pending step timer. */
  close(): void {
    for (const record of this.batches.values()) {
      if (record.timer !== undefined) this.clock.clearTimeout(record.timer);
      record.timer = undefined;
    }
  }
}
