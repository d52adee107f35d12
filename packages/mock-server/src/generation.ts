import type { IncomingMessage, ServerResponse } from 'node:http';
import { chatCompletion } from './chat-completions';
import { completion } from './completions';
import { createResponse } from './responses';
import { embeddings } from './embeddings';
import { MockRequestError } from './errors';
import { faultError } from './faults';
import { handlerContext } from './handler-context';
import type { HandlerContext, HandlerResult } from './handler-types';
import { header, parseJson, sendError, sendJson } from './http';
import { rateLimitHeaders, rateLimitMessage, retryAfterHeaders } from './rate-limit-headers';
import { RateLimitWindow } from './rate-limit-window';
import { writeStream } from './sse';
import { modelOptions, type ServerState } from './state';

/** The generating endpoints and their handlers. */
export const GENERATORS: Record<string, (body: unknown, context: HandlerContext) => HandlerResult> = {
  '/v1/chat/completions': chatCompletion,
  '/v1/completions': completion,
  '/v1/embeddings': embeddings,
  '/v1/responses': createResponse,
};

/** The model named by a body, or '' (the handler then rejects it). */
export function bodyModel(body: unknown): string {
  const model = (body as Record<string, unknown> | null)?.model;
  return typeof model === 'string' ? model : '';
}

function windowFor(state: ServerState, model: string): RateLimitWindow {
  let window = state.windows.get(model);
  if (!window) {
    const { rpm, tpm } = modelOptions(state, model);
    window = new RateLimitWindow({ rpm, tpm }, state.windowMs, state.clock);
    state.windows.set(model, window);
  }
  return window;
}

/** The per-quantum request window of `model` (option `quantumMs`), or undefined when quanta are off. */
function quantumFor(state: ServerState, model: string): RateLimitWindow | undefined {
  if (state.quanta.has(model)) return state.quanta.get(model);
  const { quantumMs } = state.options;
  const { rpm } = modelOptions(state, model);
  const quantum =
    quantumMs && rpm !== undefined
      ? new RateLimitWindow({ rpm: Math.ceil((rpm * quantumMs) / state.windowMs) }, quantumMs, state.clock)
      : undefined;
  state.quanta.set(model, quantum);
  return quantum;
}

/** Waits `ms` on the server clock; `close()` cancels the timer (the wait then never ends). */
function sleep(state: ServerState, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const handle = state.clock.setTimeout(() => {
      state.timers.delete(handle);
      resolve();
    }, ms);
    state.timers.add(handle);
  });
}

function latencyMs(state: ServerState, request: IncomingMessage, model: string): number {
  const forced = header(request, 'x-mock-latency-ms');
  if (forced !== undefined && Number.isFinite(Number(forced))) return Math.max(0, Number(forced));
  const latency = modelOptions(state, model).latency;
  const mean = latency?.meanMs ?? 0;
  const jitter = latency?.jitterMs ?? 0;
  return Math.max(0, mean - jitter + state.latencyRandom.next() * 2 * jitter);
}

/**
 * Serves one generating request: generate (400 on bad input) → rate-limit admission (429 without charging) →
 * fault → charge the window → latency → answer (or the fault's failure). Rate limits count the request at
 * `arrivedAt`, when its headers were read.
 */
export async function serveGeneration(
  endpoint: string,
  request: IncomingMessage,
  response: ServerResponse,
  state: ServerState,
  buffer: Buffer,
  arrivedAt: number,
): Promise<void> {
  const body = parseJson(buffer);
  const model = bodyModel(body);
  const context = handlerContext(state, model);
  const result = GENERATORS[endpoint]!(body, context);
  const stream = (body as Record<string, unknown>).stream === true;
  const streamOptions = (body as Record<string, unknown>).stream_options as
    Record<string, unknown> | undefined;
  const includeUsage = streamOptions?.include_usage === true;
  const window = windowFor(state, model);
  const counters = state.stats.model(model);
  counters.requests++;
  const reserved = result.promptTokens + (result.maxTokens ?? result.completionTokens);
  const actual = result.promptTokens + result.completionTokens;
  const charge = state.options.tokenAccounting === 'actual' ? actual : reserved;

  const quantum = quantumFor(state, model);
  const windowAdmission = window.check(charge, arrivedAt);
  const admission = windowAdmission.ok && quantum ? quantum.check(0, arrivedAt) : windowAdmission;
  if (!admission.ok) {
    const windowState = window.state();
    state.stats.rateLimited(model);
    setHeaders(response, { ...rateLimitHeaders(windowState), ...retryAfterHeaders(admission.retryAfterMs) });
    const message = rateLimitMessage(
      model,
      admission,
      windowState,
      admission.kind === 'requests' ? 1 : charge,
    );
    sendError(
      response,
      new MockRequestError(429, message, { type: admission.kind, code: 'rate_limit_exceeded' }),
    );
    return;
  }
  const flex = (body as Record<string, unknown>).service_tier === 'flex';
  const fault = state.faults.next(model, header(request, 'x-mock-fault'), modelOptions(state, model).faults, {
    flex,
  });
  if (fault === 'flex_unavailable') {
    state.stats.rateLimited(model);
    setHeaders(response, rateLimitHeaders(window.state()));
    sendError(response, faultError(fault)!);
    return;
  }
  if (fault === 'rate_limit_requests' || fault === 'rate_limit_tokens' || fault === 'insufficient_quota') {
    const windowState = window.state();
    state.stats.rateLimited(model);
    const kind: 'requests' | 'tokens' = fault === 'rate_limit_tokens' ? 'tokens' : 'requests';
    const forced = { ok: false as const, kind, retryAfterMs: 1000, tooLarge: false };
    const error =
      faultError(fault) ??
      new MockRequestError(
        429,
        rateLimitMessage(model, forced, windowState, kind === 'requests' ? 1 : charge),
        {
          type: kind,
          code: 'rate_limit_exceeded',
        },
      );
    const retry = fault === 'insufficient_quota' ? {} : retryAfterHeaders(forced.retryAfterMs);
    setHeaders(response, { ...rateLimitHeaders(windowState), ...retry });
    sendError(response, error);
    return;
  }
  window.commit(charge, arrivedAt);
  quantum?.commit(0, arrivedAt);
  context.remember();
  counters.admittedTokens += charge;
  setHeaders(response, rateLimitHeaders(window.state()));

  const delay = latencyMs(state, request, model);
  if (delay > 0) {
    state.pending.add(response);
    await sleep(state, delay);
    state.pending.delete(response);
  }
  if (response.destroyed) return;
  const failure = fault ? faultError(fault) : undefined;
  if (failure) {
    sendError(response, failure);
    return;
  }
  if (fault === 'timeout') {
    state.pending.add(response);
    return;
  }
  if (fault === 'reset') {
    request.socket.destroy();
    return;
  }
  counters.promptTokens += result.promptTokens;
  counters.completionTokens += result.completionTokens;
  const withUsage = fault !== 'no-usage';
  if (stream && result.chunks) {
    const chunks = result.chunks(result.eventStream ? withUsage : includeUsage && withUsage);
    writeStream(response, chunks, fault === 'malformed', result.eventStream);
    return;
  }
  const payload = withUsage ? result.response : withoutUsage(result.response);
  if (fault === 'malformed') {
    const text = JSON.stringify(payload);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(text.slice(0, Math.floor(text.length / 2)));
    return;
  }
  sendJson(response, 200, payload);
}

function withoutUsage(response: Record<string, unknown>): Record<string, unknown> {
  const { usage: _usage, ...rest } = response;
  return rest;
}

function setHeaders(response: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
}
