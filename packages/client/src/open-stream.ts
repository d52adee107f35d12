import type { Call } from './call';
import { callModel, type Attempt } from './call-model';

/** One chunk of a chat or completions stream, or one Responses event (the fields the client reads). */
export interface StreamChunk {
  id?: string;
  model?: string;
  created?: number;
  choices?: Array<{ delta?: { content?: string | null }; text?: string; finish_reason?: string | null }>;
  usage?: unknown;
  /** Chat chunks: the tier the provider served the request on. */
  service_tier?: string | null;
  /** Responses events: `response.output_text.delta`, `response.completed`, ... */
  type?: string;
}

/**
 * The send of `stream()`: the same admission and retry loop as `complete()`, asking for a stream. 429s, 5xx,
 * connection errors and timeouts before the provider accepts it are retried as for `complete()`. The accepted
 * attempt keeps its permit and budget hold until the caller settles it when the stream ends (`settleAttempt`);
 * `sent.data` is the SDK's stream of {@link StreamChunk}s.
 */
export async function openStream(call: Call): Promise<Attempt> {
  return await callModel(call, { stream: true, receive: (attempt) => Promise.resolve(attempt) });
}
