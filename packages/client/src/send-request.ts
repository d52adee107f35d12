import type OpenAI from 'openai';
import type { PreparedRequest } from '@maxllm/request';
import { ON_WRITTEN } from './http-fetch';
import { scopedSignal } from './scoped-signal';

/** One answered HTTP request. */
export interface SentResponse {
  /** The response JSON as the SDK parsed it, or the SDK's stream of chunks / events for a stream. */
  data: unknown;
  /** Response headers (for `x-ratelimit-*` resync). */
  headers: Headers;
  requestId: string | undefined;
}

/** Per-request SDK options. */
export interface SendOptions {
  signal?: AbortSignal | undefined;
  /** @unit ms */
  timeout?: number | undefined;
  /** The body to send instead of `prepared.body` (a flex request falling back to the default tier). */
  body?: Record<string, unknown> | undefined;
  /**
   * Ask for a stream (`stream: true`; chat and completions with `stream_options.include_usage`, Responses streams
   * always end with the response and its usage). @default false
   */
  stream?: boolean | undefined;
  /**
   * Called once the request's bytes are written (the client's own transport only: not with a `fetch` of the
   * caller's), to tell the limiter when the request really left.
   */
  onWritten?: (() => void) | undefined;
}

/**
 * Sends `prepared.body` to its endpoint (chat, Responses, completions or embeddings), once (the SDK is built with
 * `maxRetries: 0`), and keeps the headers. A stream resolves when the provider accepted it, before its first chunk.
 * The SDK gets a per-request child of `options.signal` ({@link scopedSignal}), released once the answer is read, so
 * a signal shared by many calls keeps no listener per call.
 */
export async function sendRequest(
  openai: OpenAI,
  prepared: PreparedRequest,
  options: SendOptions,
): Promise<SentResponse> {
  const plain = options.body ?? prepared.body;
  const body = (
    !options.stream
      ? plain
      : prepared.kind === 'responses'
        ? { ...plain, stream: true }
        : { ...plain, stream: true, stream_options: { include_usage: true } }
  ) as never;
  // A stream is read after this returns, so its signal stays linked: it is not scoped here.
  const scope = options.signal && !options.stream ? scopedSignal(options.signal) : undefined;
  const requestOptions = {
    maxRetries: 0,
    ...(options.signal ? { signal: scope?.signal ?? options.signal } : {}),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.onWritten
      ? { fetchOptions: { [ON_WRITTEN]: options.onWritten } as Record<string, never> }
      : {}),
  };
  const promise =
    prepared.kind === 'embedding'
      ? openai.embeddings.create(body, requestOptions)
      : prepared.kind === 'completion'
        ? openai.completions.create(body, requestOptions)
        : prepared.kind === 'responses'
          ? openai.responses.create(body, requestOptions)
          : openai.chat.completions.create(body, requestOptions);
  try {
    const { data, response, request_id } = await promise.withResponse();
    return { data, headers: response.headers, requestId: request_id ?? undefined };
  } finally {
    scope?.release();
  }
}
