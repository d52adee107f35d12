import { cachePolicy } from '@maxllm/cache';
import {
  completionText,
  isCacheable,
  prepareRequest,
  readUsage,
  type CompleteRequest,
  type PreparedRequest,
  type Usage,
} from '@maxllm/request';
import type { BalancedMember } from './balancer';
import { readCached, writeCached } from './cache-io';
import type { ClientContext } from './client-context';
import { CompletionError, InvalidClientRequestError, QuotaExceededError } from './errors';
import { chargedTokens, reserveTokens } from './estimate';
import { recordHit } from './record-hit';
import { redactSecrets } from './redact';
import { estimatedUsage } from './estimated-usage';
import { openStream, type StreamChunk, type StreamSession } from './open-stream';
import { readResponseEvent } from './responses-events';
import { DEFAULT_MODEL, targetOf } from './target';
import { pricingFacts } from './pricing-facts';

/**
 * Streams the text deltas of one chat, Responses or completions request (`stream: true`; chat and completions with
 * `stream_options.include_usage`; Responses: `response.output_text.delta` events, usage from the final event). A cached answer is replayed as one delta. Retries happen only before the first
 * delta; the usage chunk settles the limiter and the ledger, and the whole text is cached once the stream completed.
 */
export async function* runStream(context: ClientContext, request: CompleteRequest): AsyncGenerator<string> {
  const spec = request.model ?? DEFAULT_MODEL;
  const balancer = context.balancer(spec);
  const policy = cachePolicy({ force: request.force === true, recache: context.recache });
  const prepare = (member: BalancedMember): PreparedRequest =>
    prepareRequest(request, targetOf(member.resolved), { requestFlag: context.requestFlag });

  if (policy.read) {
    for (const member of balancer.active()) {
      const prepared = notEmbedding(prepare(member), spec);
      const response = await readCached(context, prepared.namespace, prepared.cacheKey);
      if (response === undefined) continue;
      recordHit(context, member.resolved, prepared, response, false);
      const text = completionText(prepared, response);
      if (text) yield text;
      return;
    }
  }
  let session: StreamSession | undefined;
  while (!session) {
    const member = balancer.pick();
    if (!member) throw new QuotaExceededError(`Every model of '${spec}' ran out of quota.`, { model: spec });
    try {
      session = await openStream(context, request, notEmbedding(prepare(member), spec), member, spec);
    } catch (error) {
      if (!(error instanceof QuotaExceededError) || balancer.active().length <= 1) throw error;
      balancer.remove(member);
      context.logger.warn(
        `model '${member.alias}' (${member.resolved.uniqueName}) is out of quota: removed from '${spec}'.`,
      );
    }
  }
  const { prepared, resolved, estimator, controller, signal, inputEstimate, outputEstimate, key, started } =
    session;
  const details = { model: spec, uniqueName: resolved.uniqueName };
  const opened = session.opened;

  let text = '';
  let usage: Usage | undefined;
  let finishReason: string | null = null;
  let first: StreamChunk | undefined;
  let final: unknown;
  let completed = false;
  let failure: unknown;
  try {
    for await (const chunk of opened.chunks) {
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
      `Stream from model '${spec}' broke: ${redactSecrets(error instanceof Error ? error.message : String(error), [resolved.apiKey])}`,
      { ...details, attempts: 1, requestId: opened.requestId, cause: error },
    );
  } finally {
    if (!completed) controller.abort();
    opened.permit.settle({
      tokens: chargedTokens(prepared, usage, reserveTokens(prepared, inputEstimate, outputEstimate)),
    });
    if (usage) estimator.learn(key, usage.outputTokens);
    // A Responses stream ends with the response itself; a chat stream's answer is rebuilt from its chunks.
    const response =
      prepared.kind === 'responses'
        ? final
        : answerOf(prepared, first, text, finishReason, usage, resolved.model);
    const cost = context.ledger.record({
      model: resolved.model,
      uniqueName: resolved.uniqueName,
      systemPrompt: prepared.systemPreview,
      prompt: prepared.promptPreview,
      completion: text,
      usage:
        usage ??
        (first === undefined
          ? undefined
          : estimatedUsage(prepared, text, inputEstimate, {
              model: resolved.model,
              uniqueName: resolved.uniqueName,
              logger: context.logger,
            })),
      estimatedInputTokens: inputEstimate,
      estimatedOutputTokens: outputEstimate,
      latencyMs: context.clock.now() - started,
      cacheHit: false,
      batch: false,
      status: completed ? 'ok' : failure === undefined ? 'cancelled' : 'stream_error',
      requestId: opened.requestId,
      ...pricingFacts(resolved, response),
    });
    // A stream cut short without usage may still be billed: its hold stays.
    await opened.hold.settle(cost.totalUsd);
    if (completed && response !== undefined && policy.write && isCacheable(prepared, response)) {
      await writeCached(context, prepared.namespace, prepared.cacheKey, response, resolved.model, usage);
    }
  }
}

function notEmbedding(prepared: PreparedRequest, spec: string): PreparedRequest {
  if (prepared.kind !== 'embedding') return prepared;
  throw new InvalidClientRequestError(
    `Model '${spec}' is an embedding model: use complete(), not stream().`,
    {
      model: spec,
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
