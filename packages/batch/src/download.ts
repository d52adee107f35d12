import { type Clock, type Logger, sleep } from '@maxllm/core';
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type OpenAI from 'openai';
import { BatchDownloadError } from './errors';

/** How `downloadFile` retries. */
export interface DownloadOptions {
  openai: OpenAI;
  fileId: string;
  /** Destination; written to a temporary name first, then renamed. */
  path: string;
  clock: Clock;
  logger: Logger;
  /** Attempts in all. @default 4 */
  attempts?: number;
  /** First back-off, doubled per attempt. @default 1000 @unit milliseconds */
  backoffMs?: number;
  signal?: AbortSignal | undefined;
}

/**
 * Streams a batch output or error file to disk with bounded retries (network errors, 5xx, 429; other 4xx fail fast).
 * @throws BatchDownloadError after the last attempt.
 */
export async function downloadFile(options: DownloadOptions): Promise<void> {
  const attempts = options.attempts ?? 4;
  const temporary = `${options.path}.${process.pid}.part`;
  let lastError: unknown;
  let made = 0;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    made = attempt;
    try {
      const response = await options.openai.files.content(options.fileId, { signal: options.signal });
      if (!response.body) throw new Error('empty response body');
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        createWriteStream(temporary, { mode: 0o600 }),
      );
      await rename(temporary, options.path);
      return;
    } catch (error) {
      lastError = error;
      if (options.signal?.aborted || !retryable(error) || attempt === attempts) break;
      const delay = (options.backoffMs ?? 1000) * 2 ** (attempt - 1);
      options.logger.warn(
        `Download of batch file ${options.fileId} failed (attempt ${attempt}/${attempts}); retrying in ${delay} ms`,
      );
      await sleep(options.clock, delay, options.signal);
    }
  }
  throw new BatchDownloadError(options.fileId, made, { cause: lastError });
}

function retryable(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number') return true;
  return status >= 500 || status === 408 || status === 429;
}
