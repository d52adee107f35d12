import { dayFormatter } from './budget';
import { readLedgerRows } from './read-ledger-rows';

/**
 * What the ledger at `path` records as spent on `day` (`YYYY-MM-DD` in `timeZone`), by model: the sum of
 * `cost_total_usd` of the rows timestamped that day. Feed it to `createBudget({ spentOn })`.
 */
export async function ledgerSpendOn(
  path: string,
  day: string,
  timeZone = 'UTC',
): Promise<Map<string, number>> {
  const dayOf = dayFormatter(timeZone);
  const spent = new Map<string, number>();
  for await (const row of readLedgerRows(path)) {
    const cost = Number(row.cost_total_usd);
    if (row.cost_total_usd === '' || !Number.isFinite(cost) || cost === 0) continue;
    const at = Date.parse(row.timestamp);
    if (!Number.isFinite(at) || dayOf(at) !== day) continue;
    const model = row.unique_name || row.model;
    spent.set(model, (spent.get(model) ?? 0) + cost);
  }
  return spent;
}
