import type { CallCost } from '@maxllm/ledger';
import { completionText, readUsage, type Usage } from '@maxllm/request';
import type { Call } from './call';
import { estimateInputTokens } from './estimate';
import { estimatedUsage } from './estimated-usage';

/** What one ledger row says besides the call itself. */
export interface RowFields {
  /** `'ok'`, `'invalid_output'`, `'cancelled'`, `'stream_error'` or the type of the error. */
  status: string;
  /** Answered from the cache, or by an identical call in flight: nothing was billed. @default false */
  cacheHit?: boolean;
  /** The answer, when there is one (its service tier prices the row). */
  response?: unknown;
  /** The answer's text. @default `completionText(prepared, response)` */
  text?: string | undefined;
  /**
   * Usage of the answer. @default `readUsage(response)`. An answer without usage gets estimated tokens (marked)
   * instead of none: a missed call warns once per model, a hit does not warn again.
   */
  usage?: Usage | undefined;
  /** False when nothing was answered (a failure, a stream cut before its first chunk): no tokens are estimated. */
  answered?: boolean;
  /** What the limiter reserved for the attempt. @unit tokens */
  estimates?: { input: number; output: number };
  /** @unit ms */
  latencyMs?: number | undefined;
  requestId?: string | undefined;
}

/**
 * Writes the ledger row of one call (the only place a row is built) and returns its cost. A hit whose `callId` is
 * already recorded (a resumed run whose killed run wrote the row) writes no second row and costs nothing.
 */
export function recordCall(call: Call, fields: RowFields): CallCost | undefined {
  const { context, resolved, prepared, callId } = call;
  const cacheHit = fields.cacheHit ?? false;
  if (cacheHit && callId !== undefined && context.recordedCallIds?.has(callId) === true) return undefined;
  const { response } = fields;
  const answered = fields.answered ?? response !== undefined;
  const text = fields.text ?? (response === undefined ? undefined : completionText(prepared, response));
  const usage = 'usage' in fields ? fields.usage : readUsage(response);
  const tier =
    typeof response === 'object' && response !== null
      ? (response as { service_tier?: unknown }).service_tier
      : undefined;
  // What the ledger needs, besides usage, to price the call as the provider bills it: the model's price overrides
  // and provider (from `maxllm.yaml`, else its API base URL) and the `service_tier` the response reported. Written
  // out, not spread from a helper's object: one object per row instead of three (an absent fact is an `undefined`
  // property, which the ledger reads as absent).
  return context.ledger.record({
    model: resolved.model,
    uniqueName: resolved.uniqueName,
    systemPrompt: prepared.systemPreview,
    prompt: prepared.promptPreview,
    completion: text,
    usage:
      usage !== undefined || !answered
        ? usage
        : estimatedUsage(prepared, text, fields.estimates?.input ?? estimateInputTokens(prepared), {
            model: resolved.model,
            uniqueName: resolved.uniqueName,
            logger: context.logger,
            warn: !cacheHit,
          }),
    estimatedInputTokens: fields.estimates?.input,
    estimatedOutputTokens: fields.estimates?.output,
    latencyMs: fields.latencyMs,
    cacheHit,
    batch: call.batch,
    status: fields.status,
    requestId: fields.requestId,
    callId,
    prices: resolved.prices,
    provider: resolved.provider,
    apiBase: resolved.apiBase,
    serviceTier: typeof tier === 'string' ? tier : undefined,
  });
}
