import { cacheKey } from '@maxllm/cache';
import { InvalidRequestError } from './errors';
import { keyInput } from './key-input';
import { buildMessages, contentText } from './messages';
import { zodResponseFormat, zodTextFormat, type ResponseFormat } from './response-format';
import { responsesBody } from './responses-body';
import { snapshot } from './snapshot';
import { checkRequestKeys } from './check-request-keys';
import { OWN_KEYS } from './request-keys';
import { normaliseTokenParams } from './token-params';
import type { CompleteRequest, Endpoint, ModelMode, PreparedRequest, RequestTarget } from './types';

/**
 * Keys that are not sent as they are: MaxLLM's own options, and `text`, which only the Responses body takes (merged
 * with the format there).
 */
const NOT_PARAMS: ReadonlySet<string> = new Set([...OWN_KEYS, 'text']);

const ENDPOINTS: Record<ModelMode, Endpoint> = {
  chat: '/v1/chat/completions',
  embedding: '/v1/embeddings',
  completion: '/v1/completions',
  responses: '/v1/responses',
};

/** Options for {@link prepareRequest}. */
export interface PrepareOptions {
  /** The client's global request flag; a per-call `requestFlag` wins. Falsy values mean no flag. */
  requestFlag?: unknown;
}

/**
 * Turns a `complete()` request into the exact SDK body, its cache key and what is needed to read the answer.
 * Everything is copied first: the caller's objects may change afterwards without effect.
 * @throws InvalidRequestError when the request cannot be sent: a key that is neither a MaxLLM option nor a body
 *   parameter (see {@link checkRequestKeys}), no prompt, a prompt of the wrong type for the endpoint.
 */
export function prepareRequest(
  request: CompleteRequest,
  target: RequestTarget,
  options: PrepareOptions = {},
): PreparedRequest {
  const kind = endpointKind(request, target);
  checkRequestKeys(request, [], kind);
  const params = snapshot(sdkParams(request));
  const maxTokens = normaliseTokenParams(params, kind);
  let body: Record<string, unknown>;
  let promptPreview = '';
  let systemPreview = '';

  if (kind === 'embedding') {
    const input = embeddingInput(request);
    body = { model: target.model, input: snapshot(input), ...params };
    promptPreview = Array.isArray(input) ? (input[0] ?? '') : input;
  } else if (kind === 'completion') {
    const prompt = request.prompt;
    if (prompt === undefined)
      throw new InvalidRequestError("'prompt' must be provided for a completions model.");
    body = { model: target.model, prompt: snapshot(prompt), ...params };
    promptPreview = Array.isArray(prompt) ? (prompt[0] ?? '') : prompt;
  } else if (kind === 'responses') {
    const format = responseFormatOf(request, zodTextFormat);
    ({ body, promptPreview, systemPreview } = responsesBody(request, target.model, params, format));
    body = snapshot(body);
  } else {
    const messages = snapshot(buildMessages(request));
    body = { model: target.model, messages, ...params };
    const responseFormat = responseFormatOf(request, zodResponseFormat);
    if (responseFormat) body.response_format = responseFormat;
    systemPreview = messages
      .filter((message) => message.role === 'system' || message.role === 'developer')
      .map((message) => contentText(message.content))
      .join(' ');
    const lastUser = messages.findLast((message) => message.role === 'user');
    promptPreview = lastUser ? contentText(lastUser.content) : '';
  }

  if (request.extraBody !== undefined) Object.assign(body, snapshot(request.extraBody));
  const tier = request.serviceTier ?? target.serviceTier;
  if ((kind === 'chat' || kind === 'responses') && tier !== undefined) body.service_tier ??= tier;

  const requestFlag = request.requestFlag || options.requestFlag;
  const endpoint = ENDPOINTS[kind];
  const chatLike = kind === 'chat' || kind === 'responses';
  return {
    kind,
    endpoint,
    body,
    timeoutMs: request.timeoutMs,
    cacheKey: cacheKey(keyInput({ endpoint, apiBase: target.apiBase, body, requestFlag })),
    namespace: target.uniqueName,
    schema: chatLike && !request.jsonMode ? request.jsonFormat : undefined,
    jsonMode: chatLike && request.jsonMode === true,
    raw: request.raw === true,
    maxTokens,
    promptPreview: promptPreview.slice(0, 200),
    systemPreview: systemPreview.slice(0, 200),
  };
}

/**
 * The endpoint: an explicit `callMethod`, else the model's mode; a chat model goes through the call's `api`, else
 * the model's (Responses or Chat Completions); as in the original, a chat model asked for `echo` or a numeric
 * `logprobs` (legacy completions parameters) goes to the completions endpoint.
 */
function endpointKind(request: CompleteRequest, target: RequestTarget): ModelMode {
  if (request.callMethod) return request.callMethod;
  if (target.mode !== 'chat') return target.mode;
  const params = request as { echo?: unknown; logprobs?: unknown };
  if (params.echo !== undefined || typeof params.logprobs === 'number') return 'completion';
  const api = request.api ?? target.api ?? 'chat';
  if (api !== 'chat' && api !== 'responses') {
    throw new InvalidRequestError(`'api' must be 'chat' or 'responses' (got ${JSON.stringify(api)}).`);
  }
  return api === 'responses' ? 'responses' : 'chat';
}

function sdkParams(request: CompleteRequest): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const name of Object.keys(request)) {
    const value: unknown = request[name as keyof CompleteRequest];
    if (value !== undefined && !NOT_PARAMS.has(name)) params[name] = value;
  }
  return params;
}

/**
 * Embeddings take `prompt`, else `input` (the original's other aliases `inputs` and `texts` are unknown keys, and a
 * `text` that is not the Responses parameter is refused here, with the name to use).
 */
function embeddingInput(request: CompleteRequest): string | string[] {
  const input = request.prompt ?? request.input;
  if (typeof input === 'string') return input;
  if (Array.isArray(input) && input.every((item) => typeof item === 'string')) return input;
  const text: unknown = (request as { text?: unknown }).text;
  if (input === undefined && (typeof text === 'string' || Array.isArray(text))) {
    throw new InvalidRequestError("'text' is not an embeddings input here: use 'input'.");
  }
  throw new InvalidRequestError(
    "'prompt' (or 'input') must be a string or an array of strings for an embedding model.",
  );
}

/**
 * `jsonMode` wins over `jsonFormat`, as in the original; either replaces a `response_format` parameter (chat) or
 * `text.format` (Responses). `fromZod` builds the endpoint's shape of a strict schema.
 */
function responseFormatOf(
  request: CompleteRequest,
  fromZod: (schema: NonNullable<CompleteRequest['jsonFormat']>) => ResponseFormat,
): ResponseFormat | undefined {
  if (request.jsonMode) return { type: 'json_object' };
  if (request.jsonFormat) return fromZod(request.jsonFormat);
  return undefined;
}
