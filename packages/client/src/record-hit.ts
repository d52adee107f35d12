import type { ResolvedModel } from '@maxllm/config';
import { completionText, readUsage, type PreparedRequest } from '@maxllm/request';
import type { ClientContext } from './client-context';
import { estimateInputTokens } from './estimate';
import { estimatedUsage } from './estimated-usage';
import { pricingFacts } from './pricing-facts';

/** Records a call answered without an HTTP request (cache hit or joined identical call) in the ledger. */
export function recordHit(
  context: ClientContext,
  resolved: ResolvedModel,
  prepared: PreparedRequest,
  response: unknown,
  batch: boolean,
  callId?: string,
): void {
  // A resumed run's line whose row a killed run already wrote: the answer now comes from the cache, no second row.
  if (callId !== undefined && context.recordedCallIds?.has(callId) === true) return;
  context.ledger.record({
    model: resolved.model,
    uniqueName: resolved.uniqueName,
    systemPrompt: prepared.systemPreview,
    prompt: prepared.promptPreview,
    completion: completionText(prepared, response),
    // A cached answer that came without usage gets the same estimate (marked) as its paid row; no second warning.
    usage:
      readUsage(response) ??
      estimatedUsage(prepared, completionText(prepared, response), estimateInputTokens(prepared), {
        model: resolved.model,
        uniqueName: resolved.uniqueName,
        logger: context.logger,
        warn: false,
      }),
    cacheHit: true,
    batch,
    status: 'ok',
    ...(callId !== undefined ? { callId } : {}),
    ...pricingFacts(resolved, response),
  });
}
