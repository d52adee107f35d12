/** What a generating handler needs from the server. */
export interface HandlerContext {
  /** Server seed. */
  seed: number;
  /** Completion length of the model. */
  output: { meanTokens: number; spread: number };
  /** Current time. @unit ms */
  now: number;
  /** Cached prompt tokens for this prompt (0 the first time; OpenAI-style 1024 + 128·k prefix after). */
  cachedTokens(promptKey: string, promptTokens: number): number;
}

/** A generated answer, before faults and rate limits are applied. */
export interface HandlerResult {
  /** Model id the request named. */
  model: string;
  /** The complete JSON response, `usage` included. */
  response: Record<string, unknown>;
  /** @unit tokens */
  promptTokens: number;
  /** @unit tokens */
  completionTokens: number;
  /** The cap the request set (`max_completion_tokens` ?? `max_tokens`), if any. @unit tokens */
  maxTokens: number | undefined;
  /**
   * The SSE chunks of the same answer, when the request asked for `stream: true`. `includeUsage`: chat's
   * `stream_options.include_usage`; for event streams, false only under the `no-usage` fault.
   */
  chunks?: (includeUsage: boolean) => Array<Record<string, unknown>>;
  /** Named events (`event: <type>` lines, no `[DONE]`), as the Responses API streams; chat chunks otherwise. */
  eventStream?: boolean;
}
