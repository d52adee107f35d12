import { cacheKey } from '@maxllm/cache';
import { InvalidRequestError } from './errors';
import { keyInput } from './key-input';
import { buildMessages, contentText } from './messages';
import { zodResponseFormat } from './response-format';
import { snapshot } from './snapshot';
import { normaliseTokenParams } from './token-params';
import type { CompleteRequest, Endpoint, ModelMode, PreparedRequest, RequestTarget } from './types';

/** Request fields that are MaxLLM's own; every other field is an SDK parameter. */
const CONTROL_FIELDS = new Set([
  'model',
  'prompt',
  'systemPrompt',
  'historyMessages',
  'messages',
  'input',
  'inputs',
  'text',
  'texts',
  'jsonMode',
  'jsonFormat',
  'raw',
  'force',
  'meta',
  'requestFlag',
  'signal',
  'callMethod',
  'timeout',
]);

const ENDPOINTS: Record<ModelMode, Endpoint> = {
  chat: '/v1/chat/completions',
  embedding: '/v1/embeddings',
  completion: '/v1/completions',
};

/** Options for {@link prepareRequest}. */
export interface PrepareOptions {
  /** The client's global request flag; a per-call `requestFlag` wins. Falsy values mean no flag. */
  requestFlag?: unknown;
}

/**
 * Turns a `complete()` request into the exact SDK body, its cache key and what is needed to read the answer.
 * Everything is copied first: the caller's objects may change afterwards without effect.
 * @throws InvalidRequestError when the request cannot be sent (no prompt, wrong prompt type for the endpoint).
 */
export function prepareRequest(
  request: CompleteRequest,
  target: RequestTarget,
  options: PrepareOptions = {},
): PreparedRequest {
  const kind = endpointKind(request, target.mode);
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
  } else {
    const messages = snapshot(buildMessages(request));
    body = { model: target.model, messages, ...params };
    const responseFormat = responseFormatOf(request);
    if (responseFormat) body.response_format = responseFormat;
    systemPreview = messages
      .filter((message) => message.role === 'system' || message.role === 'developer')
      .map((message) => contentText(message.content))
      .join(' ');
    const lastUser = messages.findLast((message) => message.role === 'user');
    promptPreview = lastUser ? contentText(lastUser.content) : '';
  }

  const requestFlag = request.requestFlag || options.requestFlag;
  const endpoint = ENDPOINTS[kind];
  return {
    kind,
    endpoint,
    body,
    requestOptions: typeof request.timeout === 'number' ? { timeout: request.timeout } : {},
    cacheKey: cacheKey(keyInput({ endpoint, apiBase: target.apiBase, body, requestFlag })),
    namespace: target.uniqueName,
    schema: kind === 'chat' && !request.jsonMode ? request.jsonFormat : undefined,
    jsonMode: kind === 'chat' && request.jsonMode === true,
    raw: request.raw === true,
    maxTokens,
    promptPreview: promptPreview.slice(0, 200),
    systemPreview: systemPreview.slice(0, 200),
  };
}

/**
 * The endpoint: an explicit `callMethod`, else the model's mode; as in the original, a chat model asked for `echo`
 * or a numeric `logprobs` (legacy completions parameters) goes to the completions endpoint.
 */
function endpointKind(request: CompleteRequest, mode: ModelMode): ModelMode {
  if (request.callMethod) return request.callMethod;
  if (mode === 'chat' && (request.echo !== undefined || typeof request.logprobs === 'number'))
    return 'completion';
  return mode;
}

function sdkParams(request: CompleteRequest): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request)) {
    if (!CONTROL_FIELDS.has(name) && value !== undefined) params[name] = value;
  }
  return params;
}

/** Embeddings take `prompt`, or (as the original) the first of `input`, `inputs`, `text`, `texts`. */
function embeddingInput(request: CompleteRequest): string | string[] {
  const input = [request.prompt, request.input, request.inputs, request.text, request.texts].find(
    (value) => value !== undefined && value !== null,
  );
  if (typeof input === 'string') return input;
  if (Array.isArray(input) && input.every((item) => typeof item === 'string')) return input;
  throw new InvalidRequestError(
    "'prompt' (or 'input') must be a string or an array of strings for an embedding model.",
  );
}

/** `jsonMode` wins over `jsonFormat`, as in the original; either replaces a `response_format` parameter. */
function responseFormatOf(request: CompleteRequest): unknown {
  if (request.jsonMode) return { type: 'json_object' };
  if (request.jsonFormat) return zodResponseFormat(request.jsonFormat);
  return undefined;
}
