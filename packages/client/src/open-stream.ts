import type { ResolvedModel } from '@maxllm/config';
import type { Permit, RateLimiter } from '@maxllm/ratelimit';
import type { CompleteRequest, PreparedRequest } from '@maxllm/request';
import { APIError } from 'openai';
import type { BalancedMember } from './balancer';
import type { ClientContext } from './client-context';
import { estimateInputTokens, outputKey, reserveTokens } from './estimate';
import type { OutputEstimator } from './model-runtime';
import { withRetries } from './retry';
import { timeoutOf } from './timeout';
import { holdSpend, type SpendHold } from './spend-guard';

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

/** A stream the provider accepted, with what is needed to settle it when it ends. */
export interface StreamSession {
  prepared: PreparedRequest;
  resolved: ResolvedModel;
  limiter: RateLimiter;
  estimator: OutputEstimator;
  /** Aborts the HTTP stream (a consumer that stops early). */
  controller: AbortController;
  signal: AbortSignal;
  /** @unit tokens */
  inputEstimate: number;
  /** @unit tokens */
  outputEstimate: number;
  /** Output estimator key. */
  key: string;
  /** Clock time the stream was asked for. @unit ms */
  started: number;
  opened: {
    permit: Permit;
    /** The budgets' hold on this stream's worst-case cost, settled when it ends. */
    hold: SpendHold;
    chunks: AsyncIterable<StreamChunk>;
    requestId: string | undefined;
  };
}

/**
 * Opens a stream (`stream: true`; chat and completions with `stream_options.include_usage`) through the one retry loop: each attempt takes the
 * model's limiter for the estimated tokens; 429s, 5xx, connection errors and timeouts before the first chunk are
 * retried as for `complete()`. The permit stays held until the stream ends.
 */
export async function openStream(
  context: ClientContext,
  request: CompleteRequest,
  prepared: PreparedRequest,
  member: BalancedMember,
  spec: string,
): Promise<StreamSession> {
  const { resolved } = member;
  const { limiter, estimator, openai } = await context.runtimes.get(resolved);
  const controller = new AbortController();
  const signal = request.signal ? AbortSignal.any([request.signal, controller.signal]) : controller.signal;
  const inputEstimate = estimateInputTokens(prepared);
  const key = outputKey(prepared);
  let outputEstimate = 0;
  const started = context.clock.now();
  const opened = await withRetries(
    async () => {
      outputEstimate = estimator.estimate(key, prepared.maxTokens);
      const hold = await holdSpend(
        await context.budgets(),
        {
          resolved,
          prepared,
          inputTokens: inputEstimate,
          outputTokens: prepared.maxTokens ?? outputEstimate,
          batch: false,
          serviceTier: prepared.body.service_tier,
        },
        context.allowUnpriced,
      );
      let permit: Permit;
      try {
        permit = await limiter.acquire({
          tokens: reserveTokens(prepared, inputEstimate, outputEstimate, resolved.tpm),
          signal,
        });
      } catch (error) {
        await hold.settle(0);
        throw error;
      }
      try {
        // Responses streams always end with the full response and its usage; chat needs include_usage.
        const body = (
          prepared.kind === 'responses'
            ? { ...prepared.body, stream: true }
            : { ...prepared.body, stream: true, stream_options: { include_usage: true } }
        ) as never;
        const timeout = timeoutOf(prepared, resolved);
        const options = { signal, maxRetries: 0, ...(timeout === undefined ? {} : { timeout }) };
        const promise =
          prepared.kind === 'completion'
            ? openai.completions.create(body, options)
            : prepared.kind === 'responses'
              ? openai.responses.create(body, options)
              : openai.chat.completions.create(body, options);
        const { data, response, request_id } = await promise.withResponse();
        limiter.observe(response.headers);
        return {
          permit,
          hold,
          chunks: data as unknown as AsyncIterable<StreamChunk>,
          requestId: request_id ?? undefined,
        };
      } catch (error) {
        // A 429 charged nothing at the provider; anything else may have been counted.
        if (error instanceof APIError && error.status === 429) permit.settle({ tokens: 0 });
        else permit.release();
        await hold.settle(error instanceof APIError && error.status !== undefined ? 0 : undefined);
        throw error;
      }
    },
    {
      maxRetries: resolved.maxRetries,
      maxRateLimitRetries: context.maxRateLimitRetries,
      maxFlexRetries: context.maxFlexRetries,
      penalize: (waitMs) => limiter.penalize(waitMs),
      clock: context.clock,
      logger: context.logger,
      random: context.random,
      backoff: context.retryBackoff,
      signal: request.signal,
      details: { model: spec, uniqueName: resolved.uniqueName },
      secrets: [resolved.apiKey],
    },
  );
  return {
    prepared,
    resolved,
    limiter,
    estimator,
    controller,
    signal,
    inputEstimate,
    outputEstimate,
    key,
    started,
    opened,
  };
}
