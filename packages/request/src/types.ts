import type { z } from 'zod';
import type { BodyParams } from './body-params';

/** One chat message as the OpenAI API takes it (content may be a string, parts, or null for tool-call turns). */
export interface ChatMessage {
  role: string;
  content?: unknown;
  [field: string]: unknown;
}

/** What kind of endpoint a model is called through (`responses`: OpenAI's Responses API). */
export type ModelMode = 'chat' | 'embedding' | 'completion' | 'responses';

/** The API a chat model is called through: Chat Completions or Responses. */
export type ChatApi = 'chat' | 'responses';

/**
 * MaxLLM's own options of one request: what to ask, how to read the answer, caching and control. None of them is
 * sent as a body parameter as it stands (see {@link CompleteRequest} for the body parameters).
 */
export interface MaxllmOptions {
  /** Model alias, resolved through the config. */
  model?: string;
  /** The user prompt (chat), the prompt(s) (completions), or the input(s) (embeddings). */
  prompt?: string | string[];
  /** A system message put first. */
  systemPrompt?: string;
  /** Messages put between the system message and the prompt. */
  historyMessages?: ChatMessage[];
  /** The whole message list; when given, `prompt`, `systemPrompt` and `historyMessages` are not used. */
  messages?: ChatMessage[];
  /**
   * Embeddings: an alias of `prompt`. Responses API: the `input` sent as it is (a string or Responses input
   * items); `systemPrompt` still becomes `instructions`.
   */
  input?: string | string[] | Array<Record<string, unknown>>;
  /** Call a chat model through this API, whatever its config says (`api` in `maxllm.yaml`). */
  api?: ChatApi;
  /**
   * `service_tier` to send (`'flex'`, `'priority'`, ...), over the model's `service_tier`; a `service_tier`
   * parameter wins over both. Chat and Responses only.
   */
  serviceTier?: string;
  /**
   * Opt-in: after this many flex "resource unavailable" 429s, this request is sent on the default tier (same
   * cache key). Unset: a flex request keeps backing off on flex.
   */
  flexFallbackAfter?: number;
  /** Send `response_format: { type: "json_object" }`; the result stays a string. @default false */
  jsonMode?: boolean;
  /** A zod schema: sent as a strict `json_schema` response format; the result is the parsed, validated value. */
  jsonFormat?: z.ZodType;
  /** Return the SDK response instead of the extracted result. @default false */
  raw?: boolean;
  /** Neither read nor write the cache for this call. @default false */
  force?: boolean;
  /** Anything: returned with the result and attached to any error. */
  meta?: unknown;
  /** A truthy flag gives this call its own cache entries; falsy values mean no flag. */
  requestFlag?: unknown;
  /**
   * Identity of this logical request (e.g. `run:<output>:<line>`), written to the ledger's `call_id`; never sent, not
   * part of the cache key. A cache hit whose `callId` the client was told is already recorded writes no second row.
   */
  callId?: string;
  /** Cancels the call (and its wait for rate-limit capacity). */
  signal?: AbortSignal;
  /** Force the endpoint; by default it follows the model's mode (and `api`). */
  callMethod?: ModelMode;
  /**
   * Time one HTTP attempt may take, over the model's `timeout` (which `maxllm.yaml` gives in seconds). Not part of
   * the body or the cache key. @unit ms @default the model's timeout
   */
  timeoutMs?: number;
  /**
   * Body parameters the `openai` SDK's types do not name (a provider's own, such as vLLM's `top_k`, or a parameter
   * newer than the installed SDK): merged into the body as they are, last, so they win over every other field (the
   * Python SDK's `extra_body`). Part of the cache key, as the rest of the body.
   */
  extraBody?: Record<string, unknown>;
}

/**
 * Everything `complete()` accepts: MaxLLM's own options ({@link MaxllmOptions}) and the body parameters of the
 * endpoint the request goes to ({@link BodyParams}, typed by the installed `openai` SDK). A key that is neither is a
 * compile error and, at run time, an `InvalidRequestError` naming it; parameters the SDK does not know go in
 * `extraBody`.
 */
export type CompleteRequest = MaxllmOptions & BodyParams;

/** The resolved model a request is prepared for (a subset of `ResolvedModel` from `@maxllm/config`). */
export interface RequestTarget {
  /** API model id sent to the provider. */
  model: string;
  /** Identity of the model: the cache namespace. */
  uniqueName: string;
  /** Base URL; part of the cache key (two providers may answer the same model id differently). */
  apiBase?: string | undefined;
  mode: 'chat' | 'embedding' | 'completion';
  /** The API a chat model is called through. @default 'chat' */
  api?: ChatApi | undefined;
  /** `service_tier` sent on chat and Responses calls unless the request names one. */
  serviceTier?: string | undefined;
}

/** Endpoint paths, as the Batch API names them. */
export type Endpoint = '/v1/chat/completions' | '/v1/embeddings' | '/v1/completions' | '/v1/responses';

/** A request ready to send: its body, its cache key and how to read its answer. */
export interface PreparedRequest {
  kind: ModelMode;
  endpoint: Endpoint;
  /** Exactly the SDK parameters to send (a snapshot: later changes to the caller's objects do not reach it). */
  body: Record<string, unknown>;
  /** The call's own `timeoutMs` (an SDK request option, not part of the body or the key). @unit ms */
  timeoutMs: number | undefined;
  /** Versioned SHA-256 of everything that changes the answer. */
  cacheKey: string;
  /** Cache namespace: the model's unique name. */
  namespace: string;
  schema: z.ZodType | undefined;
  jsonMode: boolean;
  raw: boolean;
  /** The output cap the caller asked for, if any. */
  maxTokens: number | undefined;
  /** The user prompt text (first 200 characters), for ledger previews. */
  promptPreview: string;
  /** The system prompt text (first 200 characters), for ledger previews. */
  systemPreview: string;
}

/** Token usage read from a response. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
}
