import { readLedgerRows } from './read-ledger-rows.js';

/** Options of {@link outputHistory}. */
export interface OutputHistoryOptions {
  /**
   * How many of the most recent paid calls to keep per model.
   * @default 1000
   */
  recent?: number;
}

/** Output-token counts of recent paid calls, by model. */
export type OutputHistory = ReadonlyMap<string, readonly number[]>;

/**
 * Reads the output tokens of each model's most recent successful paid calls (cache hits, failures and rows without
 * a count are left out), oldest first. One pass over the file, bounded memory per model.
 */
export async function outputHistory(
  path: string,
  options: OutputHistoryOptions = {},
): Promise<OutputHistory> {
  const recent = options.recent ?? 1000;
  const byModel = new Map<string, number[]>();
  for await (const row of readLedgerRows(path)) {
    if (row.cache_hit === 'yes' || (row.status !== '' && row.status !== 'ok')) continue;
    const tokens = Number(row.output_tokens);
    if (row.output_tokens === '' || !Number.isFinite(tokens) || tokens < 0) continue;
    const model = row.unique_name || row.model;
    let list = byModel.get(model);
    if (!list) byModel.set(model, (list = []));
    list.push(tokens);
    if (list.length > recent * 2) list.splice(0, list.length - recent);
  }
  for (const [model, list] of byModel) byModel.set(model, list.slice(-recent));
  return byModel;
}

/** The `q` quantile (0..1) of `values` (nearest rank on a sorted copy); `undefined` for none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}
