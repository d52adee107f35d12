import { createReadStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Endpoint, ModelMode } from '@maxllm/request';

/** One line of `tasks.jsonl`: an enqueued request, prepared exactly as `complete()` would send it. */
export interface TaskRecord {
  /** Custom id sent to the Batch API (the enqueue index as a string). */
  customId: string;
  /** Cache key `prepareRequest` computed (the same `complete()` uses). */
  cacheKey: string;
  /** Cache namespace (the model's unique name). */
  namespace: string;
  /** Which API the request goes to. */
  kind: ModelMode;
  /** Batch endpoint of the request. */
  endpoint: Endpoint;
  /** Exactly the request body sent. */
  body: Record<string, unknown>;
  /** The `json_schema` response format when the request had a zod `jsonFormat` (zod objects cannot be stored). */
  schema?: unknown;
  /** The request asked for `jsonMode` (the result stays a string). */
  jsonMode: boolean;
  /** The request asked for the raw response. */
  raw: boolean;
  /** The output cap the request asked for, if any. @unit tokens */
  maxTokens?: number | undefined;
  /** Prompt preview for the ledger. */
  promptPreview: string;
  /** System prompt preview for the ledger. */
  systemPreview: string;
  /** Estimated input tokens (body characters / 4). @unit tokens */
  tokens: number;
  /** Custom id of an earlier identical request (same cache key) in this workspace: not uploaded, shares its answer. */
  duplicateOf?: string;
  /** True when the answer came from the cache at enqueue time; `response` then holds it. */
  cached: boolean;
  /** The cached response body (when `cached`). */
  response?: unknown;
  /** The original request without `signal` and `jsonFormat`, for `retryFailed({ via: 'online', complete })`. */
  request: Record<string, unknown>;
}

const FLUSH_BYTES = 1 << 20;

/**
 * Append-only `tasks.jsonl` with a write buffer: ids are reserved in call order, lines are written in id order even
 * when the async parts of `enqueue()` finish out of order, and nothing is fsynced per line.
 */
export class TaskLog {
  readonly path: string;
  #next: number;
  #written: number;
  #pending = new Map<number, string>();
  #bufferedBytes = 0;
  #chain: Promise<void> = Promise.resolve();
  #handle: FileHandle | undefined;
  #backgroundFlush: Promise<void> | undefined;
  #failure: Error | undefined;

  constructor(path: string, lines: number) {
    this.path = path;
    this.#next = lines;
    this.#written = lines;
  }

  /** Number of reserved ids (the next id). */
  get size(): number {
    return this.#next;
  }

  /** Number of lines handed to the file so far. */
  get written(): number {
    return this.#written;
  }

  /** Reserves the next index. Every reserved index must be `fill`ed, or later lines are never written. */
  reserve(): number {
    return this.#next++;
  }

  /**
   * Provides the line for a reserved index; writes start once enough contiguous lines are buffered. Past that size
   * it returns the write in progress: a caller that awaits it (enqueue does) cannot outpace the disk, so memory stays
   * bounded. A write failure is kept and thrown by the next `flush()`.
   */
  fill(index: number, task: TaskRecord): Promise<void> | undefined {
    const line = `${JSON.stringify(task)}\n`;
    this.#pending.set(index, line);
    this.#bufferedBytes += line.length;
    if (this.#bufferedBytes < FLUSH_BYTES) return undefined;
    this.#backgroundFlush ??= this.flush()
      .catch((error: unknown) => {
        this.#failure ??= error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => {
        this.#backgroundFlush = undefined;
      });
    return this.#backgroundFlush;
  }

  /** Writes every contiguous filled line to the file (no fsync). Rejects if a background write failed. */
  flush(): Promise<void> {
    this.#chain = this.#chain.then(async () => {
      if (this.#failure !== undefined) throw this.#failure;
      const chunks: string[] = [];
      let bytes = 0;
      let count = this.#written;
      for (let line = this.#pending.get(count); line !== undefined; line = this.#pending.get(count)) {
        this.#pending.delete(count);
        chunks.push(line);
        bytes += line.length;
        count += 1;
      }
      if (chunks.length === 0) return;
      this.#bufferedBytes -= bytes;
      this.#handle ??= await open(this.path, 'a', 0o600);
      await this.#handle.write(chunks.join(''));
      this.#written = count;
    });
    return this.#chain;
  }

  /** Flushes, fsyncs and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    await this.#chain;
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) {
      await handle.sync();
      await handle.close();
    }
  }

  /** Streams the tasks in enqueue order (flush first to include buffered ones). */
  read(): AsyncIterable<TaskRecord> {
    return readJsonLines<TaskRecord>(this.path);
  }
}

/** Streams the JSON lines of a file, skipping blank lines; a missing file is empty. */
export async function* readJsonLines<T>(path: string): AsyncGenerator<T> {
  try {
    await stat(path);
  } catch {
    return;
  }
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    yield JSON.parse(line) as T;
  }
}

/**
 * Counts the complete lines of `tasks.jsonl` and cuts off a trailing partial line left by a crash mid-write.
 * @returns the number of complete lines.
 */
export async function recoverTaskLog(path: string): Promise<number> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return 0;
  }
  let lines = 0;
  let lastNewline = -1;
  let offset = 0;
  for await (const chunk of createReadStream(path)) {
    const buffer = chunk as Buffer;
    for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) {
      lines += 1;
      lastNewline = offset + at;
    }
    offset += buffer.length;
  }
  if (lastNewline + 1 < size) await truncate(path, lastNewline + 1);
  return lines;
}
