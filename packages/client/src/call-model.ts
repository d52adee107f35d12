import { APIError } from 'openai';
import { BudgetExceededError, type Budget, type CallCost } from '@maxllm/ledger';
import type { Permit } from '@maxllm/ratelimit';
import { completionText, extractResult, readUsage, type PreparedRequest, type Usage } from '@maxllm/request';
import type { ClientContext } from './client-context';
import { InvalidOutputError } from './errors';
import { chargedTokens, estimateInputTokens, outputKey, reserveTokens } from './estimate';
import { estimatedUsage } from './estimated-usage';
import type { ModelRuntime } from './model-runtime';
import { withRetries } from './retry';
import { sendRequest } from './send-request';
import { pricingFacts } from './pricing-facts';
import { timeoutOf } from './timeout';
import { holdSpend } from './spend-guard';

/** The result of one successful (possibly retried) call to the API. */
export interface CallOutcome {
  /** The response JSON. */
  response: unknown;
  /** `extractResult(prepared, response)`, or `undefined` when extraction was not asked. */
  result: unknown;
  /** Real usage, or `undefined` when the provider sent none. */
  usage: Usage | undefined;
  requestId: string | undefined;
  /** Cost of the last (successful) attempt as the ledger priced it. */
  cost: CallCost;
  /** HTTP requests made. */
  attempts: number;
}

/** Options of {@link callModel}. */
export interface CallOptions {
  /** The alias or spec the caller asked for (for error messages). */
  alias: string;
  signal?: AbortSignal | undefined;
  /** Extract (and validate) the result inside the retry loop, so invalid output is re-asked. @default true */
  extract?: boolean;
  /** Recorded as a batch call in the ledger. @default false */
  batch?: boolean;
  /** After this many flex "resource unavailable" 429s, send on the default tier. @default never */
  flexFallbackAfter?: number | undefined;
  /** Budgets of this call besides the client's (a `batchComplete({ maxUsd })`). */
  budgets?: readonly Budget[] | undefined;
  /** Written to the ledger rows' `call_id`. */
  callId?: string | undefined;
  /**
   * Runs after a successful answer and before its ledger row (the cache write): a row on disk then always means the
   * answer is in the cache too, so a killed run's re-run finds it and never pays for it again.
   */
  beforeRecord?: ((response: unknown) => Promise<void>) | undefined;
}

/**
 * Calls the API for `prepared` through the one retry loop: each attempt reserves the estimated input + output
 * tokens on the model's limiter, sends once, settles the limiter with the real usage (the estimate when the
 * provider sent none) and resyncs it from the `x-ratelimit-*` headers, records a ledger row and extracts the result.
 * Invalid structured output is recorded (it was paid for) and asked again.
 */
export async function callModel(
  context: ClientContext,
  runtime: ModelRuntime,
  prepared: PreparedRequest,
  options: CallOptions,
): Promise<CallOutcome> {
  const { resolved, limiter, estimator, openai } = runtime;
  const inputEstimate = estimateInputTokens(prepared);
  const key = outputKey(prepared);
  const timeout = timeoutOf(prepared, resolved);
  let body = prepared.body;
  const onFlexUnavailable = (failures: number): void => {
    const after = options.flexFallbackAfter;
    if (after === undefined || failures < after || body.service_tier !== 'flex') return;
    body = { ...body, service_tier: 'default' };
    context.logger.warn(
      `model '${options.alias}' (${resolved.uniqueName}): flex tier unavailable ${failures} times; sending this request on the default tier.`,
    );
  };
  const record = (fields: {
    response?: unknown;
    usage?: Usage | undefined;
    outputEstimate: number;
    latencyMs?: number;
    status: string;
    requestId?: string | undefined;
  }): CallCost =>
    context.ledger.record({
      model: resolved.model,
      uniqueName: resolved.uniqueName,
      systemPrompt: prepared.systemPreview,
      prompt: prepared.promptPreview,
      completion: fields.response === undefined ? undefined : completionText(prepared, fields.response),
      // A response without usage was still paid for: its row gets estimated tokens (marked) instead of none.
      usage:
        fields.response === undefined || fields.usage !== undefined
          ? fields.usage
          : estimatedUsage(prepared, completionText(prepared, fields.response), inputEstimate, {
              model: resolved.model,
              uniqueName: resolved.uniqueName,
              logger: context.logger,
            }),
      estimatedInputTokens: inputEstimate,
      estimatedOutputTokens: fields.outputEstimate,
      latencyMs: fields.latencyMs,
      cacheHit: false,
      batch: options.batch ?? false,
      status: fields.status,
      requestId: fields.requestId,
      ...(options.callId !== undefined ? { callId: options.callId } : {}),
      ...pricingFacts(resolved, fields.response),
    });

  try {
    return await withRetries(
      async (attempts) => {
        const outputEstimate =
          prepared.kind === 'embedding' ? 0 : estimator.estimate(key, prepared.maxTokens);
        const reserved = reserveTokens(prepared, inputEstimate, outputEstimate, resolved.tpm);
        const hold = await holdSpend(
          [...(await context.budgets()), ...(options.budgets ?? [])],
          {
            resolved,
            prepared,
            inputTokens: inputEstimate,
            outputTokens: prepared.maxTokens ?? outputEstimate,
            batch: options.batch ?? false,
            serviceTier: body.service_tier,
          },
          context.allowUnpriced,
        );
        let permit: Permit;
        try {
          permit = await limiter.acquire({ tokens: reserved, signal: options.signal });
        } catch (error) {
          await hold.settle(0);
          throw error;
        }
        const started = context.clock.now();
        let sent;
        try {
          sent = await sendRequest(openai, prepared, { signal: options.signal, timeout, body });
        } catch (error) {
          giveBack(permit, error);
          // An HTTP error answer is not billed; a timeout or a broken connection may have been: keep the hold.
          await hold.settle(error instanceof APIError && error.status !== undefined ? 0 : undefined);
          throw error;
        }
        const latencyMs = context.clock.now() - started;
        limiter.observe(sent.headers);
        const usage = readUsage(sent.data);
        permit.settle({ tokens: chargedTokens(prepared, usage, reserved) });
        if (usage && prepared.kind !== 'embedding') estimator.learn(key, usage.outputTokens);
        const common = { response: sent.data, usage, outputEstimate, latencyMs, requestId: sent.requestId };
        let result: unknown;
        try {
          result = options.extract === false ? undefined : extractResult(prepared, sent.data);
        } catch (error) {
          await hold.settle(record({ ...common, status: 'invalid_output' }).totalUsd);
          throw error;
        }
        await options.beforeRecord?.(sent.data);
        const cost = record({ ...common, status: 'ok' });
        await hold.settle(cost.totalUsd);
        return { response: sent.data, result, usage, requestId: sent.requestId, cost, attempts };
      },
      {
        maxRetries: resolved.maxRetries,
        maxRateLimitRetries: context.maxRateLimitRetries,
        maxFlexRetries: context.maxFlexRetries,
        maxOutputRetries: context.maxOutputRetries,
        onFlexUnavailable,
        penalize: (waitMs) => limiter.penalize(waitMs),
        clock: context.clock,
        logger: context.logger,
        random: context.random,
        backoff: context.retryBackoff,
        signal: options.signal,
        details: { model: options.alias, uniqueName: resolved.uniqueName },
        secrets: [resolved.apiKey],
      },
    );
  } catch (error) {
    // Invalid output was recorded per try; an abort is the caller's choice, not a failed call.
    if (
      !options.signal?.aborted &&
      !(error instanceof InvalidOutputError) &&
      !(error instanceof BudgetExceededError)
    ) {
      record({
        outputEstimate: 0,
        status: failureType(error),
        requestId: (error as { requestId?: string }).requestId,
      });
    }
    throw error;
  }
}

/**
 * Ends a failed attempt's permit: a 429 charged no tokens at the provider, so they are refunded; any other failure
 * (5xx, timeout, reset, abort) may have been counted, so the reservation stays charged.
 */
function giveBack(permit: Permit, error: unknown): void {
  if (error instanceof APIError && error.status === 429) permit.settle({ tokens: 0 });
  else permit.release();
}

/** The ledger's status for a failed call: the type of what went wrong (`InternalServerError`, ...). */
function failureType(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.constructor.name || cause.name : 'error';
}
