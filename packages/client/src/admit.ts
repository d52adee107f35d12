import { APIError } from 'openai';
import type { Permit } from '@maxllm/ratelimit';
import type { Usage } from '@maxllm/request';
import type { Call } from './call';
import { chargedTokens, outputKey, reserveTokens } from './estimate';
import type { ModelRuntime } from './model-runtime';
import { holdSpend, type SpendHold } from './spend-guard';

/** One admitted attempt: its limiter permit and budget hold, until {@link returnPermit} and `hold.settle`. */
export interface Admission {
  readonly permit: Permit;
  /** The budgets' hold on the attempt's worst-case cost. */
  readonly hold: SpendHold;
  /** Tokens the permit reserved. @unit tokens */
  readonly reserved: number;
  /** Input tokens estimated before the call. @unit tokens */
  readonly inputEstimate: number;
  /** Output tokens estimated before the call (0 for embeddings). @unit tokens */
  readonly outputEstimate: number;
}

/**
 * Admits one attempt of `call`: holds its worst-case cost (input + `max_tokens` or the high output estimate, at the
 * tier it asks for) on every budget, then waits for the model's limiter to grant the estimated tokens. A limiter
 * that refuses (abort) gives the hold back.
 * @throws OversizedRequestError when the request alone is over `tpm`; `BudgetExceededError` from a budget.
 */
export async function admit(
  call: Call,
  runtime: ModelRuntime,
  attempt: { inputEstimate: number; serviceTier: unknown },
): Promise<Admission> {
  const { context, resolved, prepared } = call;
  const { inputEstimate } = attempt;
  const outputEstimate =
    prepared.kind === 'embedding'
      ? 0
      : runtime.estimator.estimate(outputKey(call.prepared), prepared.maxTokens);
  const reserved = reserveTokens(prepared, inputEstimate, outputEstimate, resolved.tpm);
  const hold = await holdSpend(
    [...(await context.budgets()), ...call.budgets],
    {
      resolved,
      prepared,
      inputTokens: inputEstimate,
      outputTokens: prepared.maxTokens ?? outputEstimate,
      batch: call.batch,
      serviceTier: attempt.serviceTier,
    },
    context.allowUnpriced,
  );
  try {
    const permit = await runtime.limiter.acquire({ tokens: reserved, signal: call.signal });
    return { permit, hold, reserved, inputEstimate, outputEstimate };
  } catch (error) {
    await hold.settle(0);
    throw error;
  }
}

/**
 * Hands an attempt's permit back to the limiter (the only place one is). An answer (`usage`, `undefined` when the
 * provider sent none) settles it with what the provider counted and teaches the output estimator; a 429 charged nothing, so its tokens are refunded; any other failure
 * (5xx, timeout, reset, abort) may have been counted, so the reservation stays charged.
 */
export function returnPermit(
  call: Call,
  runtime: ModelRuntime,
  admission: Admission,
  end: { usage: Usage | undefined } | { error: unknown },
): void {
  const { permit } = admission;
  if ('error' in end) {
    if (end.error instanceof APIError && end.error.status === 429) permit.settle({ tokens: 0 });
    else permit.release();
    return;
  }
  const { usage } = end;
  permit.settle({ tokens: chargedTokens(call.prepared, usage, admission.reserved) });
  if (usage && call.prepared.kind !== 'embedding')
    runtime.estimator.learn(outputKey(call.prepared), usage.outputTokens);
}
