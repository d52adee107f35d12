import type OpenAI from 'openai';
import type { PreparedRequest } from '@maxllm/request';

/** One answered HTTP request. */
export interface SentResponse {
  /** The response JSON as the SDK parsed it. */
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
}

/** Sends `prepared.body` to its endpoint (chat, Responses, completions or embeddings), once (the SDK is built with `maxRetries: 0`), and keeps the headers. */
export async function sendRequest(
  openai: OpenAI,
  prepared: PreparedRequest,
  options: SendOptions,
): Promise<SentResponse> {
  const requestOptions = {
    maxRetries: 0,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  };
  const body = (options.body ?? prepared.body) as never;
  const promise =
    prepared.kind === 'embedding'
      ? openai.embeddings.create(body, requestOptions)
      : prepared.kind === 'completion'
        ? openai.completions.create(body, requestOptions)
        : prepared.kind === 'responses'
          ? openai.responses.create(body, requestOptions)
          : openai.chat.completions.create(body, requestOptions);
  const { data, response, request_id } = await promise.withResponse();
  return { data, headers: response.headers, requestId: request_id ?? undefined };
}
