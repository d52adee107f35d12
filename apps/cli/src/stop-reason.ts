import { BudgetExceededError } from '@maxllm/ledger';
import { QuotaExceededError } from '@maxllm/client';

function statusOf(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const status = (current as { status?: unknown }).status;
    if (typeof status === 'number') return status;
    current = current.cause;
  }
  return undefined;
}

/**
 * Why a failed request should stop the whole run rather than just fail its line: a quota or billing stop
 * (`insufficient_quota`: every further call fails the same way, as `batchComplete` stops on it), or a rejected key
 * (401). `undefined` for a failure of that request only.
 */
export function stopReason(error: unknown): string | undefined {
  if (
    error instanceof QuotaExceededError ||
    (error instanceof Error && error.name === 'QuotaExceededError')
  ) {
    return 'the provider reports insufficient_quota (billing or quota): add credit or raise the limit';
  }
  if (error instanceof BudgetExceededError) {
    return `budget reached: ${error.message} To go on, raise the cap (--max-usd, or budget: in maxllm.yaml)`;
  }
  if (statusOf(error) === 401) return 'the API key was rejected (401): check the key';
  return undefined;
}
