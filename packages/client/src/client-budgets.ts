import type { MaxllmConfig } from '@maxllm/config';
import {
  createBudget,
  createRedisBudgetStore,
  InvalidBudgetError,
  ledgerSpendOn,
  type Budget,
  type BudgetCap,
  type BudgetRedisClient,
} from '@maxllm/ledger';

/**
 * The client's budget: the config's `budget:` caps plus `maxUsd` (a cap on this client's run, every model). Day caps
 * start from today's ledger rows (a restart counts the morning), and with a Redis connection every cap lives in
 * Redis, so processes sharing it share the caps. No caps: no budget.
 */
export async function clientBudgets(
  config: MaxllmConfig,
  maxUsd: number | undefined,
  redis: () => Promise<unknown>,
): Promise<readonly Budget[]> {
  const caps: BudgetCap[] = config.budget.caps.map((cap) => ({ ...cap }));
  if (maxUsd !== undefined) {
    if (typeof maxUsd !== 'number' || !Number.isFinite(maxUsd) || maxUsd < 0) {
      throw new InvalidBudgetError(
        `createClient: maxUsd must be a finite amount in USD >= 0, got ${String(maxUsd)}`,
      );
    }
    caps.push({ maxUsd, period: 'run' });
  }
  if (caps.length === 0) return [];
  const client = caps.some((cap) => cap.period === 'day') ? await redis() : undefined;
  const timeZone = config.budget.timeZone;
  return [
    createBudget({
      caps,
      timeZone,
      spentOn: (day) => ledgerSpendOn(config.paths.ledger, day, timeZone),
      ...(client ? { store: createRedisBudgetStore({ client: client as BudgetRedisClient }) } : {}),
    }),
  ];
}
