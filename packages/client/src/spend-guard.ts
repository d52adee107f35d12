import type { ResolvedModel } from '@maxllm/config';
import { UnpricedUnderBudgetError, type Budget, type BudgetReservation } from '@maxllm/ledger';
import type { PreparedRequest } from '@maxllm/request';
import { priceTokens, type PriceMode } from './price-tokens';

/** One attempt's hold on every budget that covers its model. */
export interface SpendHold {
  /** Replaces the hold by what the attempt cost; `undefined` = unknown (it may have been billed): the hold stays. */
  settle(actualUsd: number | undefined): Promise<void>;
}

const noHold: SpendHold = { settle: () => Promise.resolve() };

/** What one attempt is, for its worst-case cost. */
export interface SpendAttempt {
  resolved: ResolvedModel;
  prepared: PreparedRequest;
  /** Estimated input tokens. @unit tokens */
  inputTokens: number;
  /** Output tokens to assume: `max_tokens`, else the high output estimate. @unit tokens */
  outputTokens: number;
  /** Sent through the Batch API (batch prices). */
  batch: boolean;
  /** The `service_tier` the attempt asks for (`flex` and `priority` have prices of their own). */
  serviceTier: unknown;
}

/**
 * Holds an attempt's worst-case cost (input + `max_tokens` or the high output estimate, at the tier it asks for)
 * on each budget, in order, before it is sent; a refusal gives back what was already held and throws
 * `BudgetExceededError`. A model with no price is refused under a budget unless `allowUnpriced`.
 */
export async function holdSpend(
  budgets: readonly Budget[],
  attempt: SpendAttempt,
  allowUnpriced: boolean,
): Promise<SpendHold> {
  const { resolved } = attempt;
  const covering = budgets.filter((budget) => budget.covers(resolved.uniqueName));
  if (covering.length === 0) return noHold;
  let worst = priceTokens(
    resolved,
    { inputTokens: attempt.inputTokens, outputTokens: attempt.outputTokens },
    modeOf(attempt),
  );
  if (worst === undefined) {
    if (!allowUnpriced) {
      const cap = covering[0]!.caps.find((c) => c.model === undefined || c.model === resolved.uniqueName)!;
      throw new UnpricedUnderBudgetError(
        { model: resolved.uniqueName, cap, requestedUsd: Number.NaN, spentUsd: 0, reservedUsd: 0 },
        {
          message:
            `Budget: no price is known for ${resolved.uniqueName}, so its cost cannot be held against the budget; ` +
            'nothing was sent. Set input_cost_per_million / output_cost_per_million for it in maxllm.yaml, or ' +
            'allow_unpriced: true under budget (allowUnpriced on createClient) to send it uncounted.',
        },
      );
    }
    worst = 0;
  }
  const held: BudgetReservation[] = [];
  try {
    for (const budget of covering) held.push(await budget.reserve(resolved.uniqueName, worst));
  } catch (error) {
    await Promise.all(held.map((reservation) => reservation.settle(0)));
    throw error;
  }
  return {
    async settle(actualUsd) {
      await Promise.all(held.map((reservation) => reservation.settle(actualUsd ?? reservation.usd)));
    },
  };
}

function modeOf(attempt: SpendAttempt): PriceMode {
  if (attempt.batch) return 'batch';
  const tier = attempt.serviceTier;
  return tier === 'flex' || tier === 'priority' ? tier : 'online';
}
