import {
  completionText,
  readUsage,
  type CompleteRequest,
  type PreparedRequest,
  type Usage,
} from '@maxllm/request';
import { lookup, store } from './cache-io';
import { startCall, type Call, type CallOptions } from './call';
import type { Attempt } from './call-model';
import type { ClientContext } from './client-context';
import { CompletionError, InvalidClientRequestError } from './errors';
import { throughMembers } from './members';
import { openStream, type StreamChunk } from './open-stream';
import { recordCall } from './record-call';
import { redactSecrets } from './redact';
import { readResponseEvent } from './responses-events';
import { settleAttempt } from './settle-attempt';

/**
 * Streams the text deltas of one chat, Responses or completions request through the stages of `complete()`
 * (members → prepare → lookup → admit → open the stream → account → store → record), with a different send: a
 * cached answer is replayed as one delta; retries happen only before the stream is accepted; when it ends, its
 * usage settles the limiter and the ledger, and the whole text is cached once the stream completed.
 */
export async function* runStream(
  context: ClientContext,
  request: CompleteRequest,
  options: Pick<CallOptions, 'requestFlag'> = {},
): AsyncGenerator<string> {
  // The stream's own stop (a consumer that leaves early), besides the caller's signal.
  const controller = new AbortController();
  const signal = request.signal ? AbortSignal.any([request.signal, controller.signal]) : controller.signal;
  const start = startCall(context, request, { ...options, signal });
  const opened = await throughMembers<{ text: string } | { attempt: Attempt }>(start, {
    lookup: async (call) => {
      const response = await lookup(notEmbedding(call));
      if (response === undefined) return undefined;
      recordCall(call, { status: 'ok', cacheHit: true, response });
      return { text: completionText(call.prepared, response) };
    },
    send: async (call) => ({ attempt: await openStream(notEmbedding(call)) }),
  });
  if ('text' in opened) {
    if (opened.text) yield opened.text;
    return;
  }
  const { attempt } = opened;
  const { call, sent } = attempt;
  const { prepared, resolved } = call;

  let text = '';
  let usage: Usage | undefined;
  let finishReason: string | null = null;
  let first: StreamChunk | undefined;
  let final: unknown;
  let completed = false;
  let failure: unknown;
  try {
    for await (const chunk of sent.data as AsyncIterable<StreamChunk>) {
      first ??= chunk;
      let delta: string | null | undefined;
      if (prepared.kind === 'responses') {
        const event = readResponseEvent(chunk);
        if (event.failure !== undefined) throw new Error(event.failure);
        if (event.final !== undefined) {
          final = event.final;
          usage = readUsage(final);
        }
        delta = event.delta;
      } else {
        if (chunk.usage) usage = readUsage(chunk);
        const choice = chunk.choices?.[0];
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        delta = prepared.kind === 'completion' ? choice?.text : choice?.delta?.content;
      }
      if (delta) {
        text += delta;
        yield delta;
      }
    }
    completed = true;
  } catch (error) {
    failure = error;
    if (signal.aborted) throw error;
    throw new CompletionError(
      `Stream from model '${call.spec}' broke: ${redactSecrets(error instanceof Error ? error.message : String(error), [resolved.apiKey])}`,
      {
        model: call.spec,
        uniqueName: resolved.uniqueName,
        attempts: 1,
        requestId: sent.requestId,
        cause: error,
      },
    );
  } finally {
    if (!completed) controller.abort();
    // A Responses stream ends with the response itself; a chat stream's answer is rebuilt from its chunks.
    const response =
      prepared.kind === 'responses'
        ? final
        : answerOf(prepared, first, text, finishReason, usage, resolved.model);
    // A stream cut short without usage may still be billed: its hold stays.
    await settleAttempt(attempt, {
      status: completed ? 'ok' : failure === undefined ? 'cancelled' : 'stream_error',
      response,
      text,
      usage,
      answered: first !== undefined,
      store: completed && response !== undefined ? () => store(call, response, usage) : undefined,
    });
  }
}

function notEmbedding(call: Call): Call {
  if (call.prepared.kind !== 'embedding') return call;
  throw new InvalidClientRequestError(
    `Model '${call.spec}' is an embedding model: use complete(), not stream().`,
    {
      model: call.spec,
    },
  );
}

/** The non-streamed response the stream amounts to, for the cache (so `complete()` hits it too). */
function answerOf(
  prepared: PreparedRequest,
  first: StreamChunk | undefined,
  text: string,
  finishReason: string | null,
  usage: Usage | undefined,
  model: string,
): Record<string, unknown> {
  const usageJson = usage && {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
  const choice =
    prepared.kind === 'completion'
      ? { index: 0, text, finish_reason: finishReason, logprobs: null }
      : {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null },
          finish_reason: finishReason,
          logprobs: null,
        };
  return {
    id: first?.id ?? 'stream',
    object: prepared.kind === 'completion' ? 'text_completion' : 'chat.completion',
    created: first?.created ?? 0,
    model: first?.model ?? model,
    choices: [choice],
    // The tier the provider reports on each chunk: the ledger prices the call at it.
    ...(typeof first?.service_tier === 'string' ? { service_tier: first.service_tier } : {}),
    ...(usageJson ? { usage: usageJson } : {}),
  };
}
