import type { CallCost } from '@maxllm/ledger';
import type { Usage } from '@maxllm/request';
import { returnPermit } from './admit';
import type { Attempt } from './call-model';
import { recordCall, type RowFields } from './record-call';

/** How an answered attempt ended. */
export interface AttemptEnd extends Pick<
  RowFields,
  'status' | 'response' | 'text' | 'answered' | 'latencyMs'
> {
  /** Usage the provider reported; `undefined` when it sent none. */
  usage: Usage | undefined;
  /**
   * Stores the answer in the cache, before its ledger row: a row on disk then always means the answer is in the
   * cache too, so a killed run's re-run finds it and never pays for it again. Absent: nothing to store.
   */
  store?: (() => Promise<void>) | undefined;
}

/**
 * Settles an answered attempt, in this order: account (the permit gets what the provider counted, the output
 * estimator learns) → store (cache) → record (the ledger row) → the budgets' hold becomes the row's cost (unknown
 * cost: the hold stays, it may have been billed).
 */
export async function settleAttempt(attempt: Attempt, end: AttemptEnd): Promise<CallCost | undefined> {
  const { call, runtime, admission, sent } = attempt;
  returnPermit(call, runtime, admission, { usage: end.usage });
  await end.store?.();
  const cost = recordCall(call, {
    status: end.status,
    response: end.response,
    text: end.text,
    usage: end.usage,
    answered: end.answered,
    estimates: { input: admission.inputEstimate, output: admission.outputEstimate },
    latencyMs: end.latencyMs ?? call.context.clock.now() - attempt.sentAt,
    requestId: sent.requestId,
  });
  await admission.hold.settle(cost?.totalUsd);
  return cost;
}
