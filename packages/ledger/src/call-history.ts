import { readLedgerRows } from './read-ledger-rows';

/** Options of {@link callHistory}. */
export interface CallHistoryOptions {
  /**
   * How many of the most recent paid calls to keep per model.
   * @default 1000
   */
  recent?: number;
}

/** One model's recent paid, successful calls, oldest first. */
export interface ModelHistory {
  /** Output tokens of each call. @unit tokens */
  outputTokens: readonly number[];
  /** Latency of each call that has one. @unit seconds */
  latencySec: readonly number[];
}

/** Recent paid calls by model (unique name, else model). */
export type CallHistory = ReadonlyMap<string, ModelHistory>;

/**
 * Reads each model's most recent successful paid calls from the ledger: output tokens and latency (cache hits,
 * failures and rows without an output count are left out), oldest first. One pass, bounded memory per model.
 */
export async function callHistory(path: string, options: CallHistoryOptions = {}): Promise<CallHistory> {
  const recent = options.recent ?? 1000;
  const byModel = new Map<string, { outputTokens: number[]; latencySec: number[] }>();
  const trim = (list: number[]) => {
    if (list.length > recent * 2) list.splice(0, list.length - recent);
  };
  for await (const row of readLedgerRows(path)) {
    if (row.cache_hit === 'yes' || (row.status !== '' && row.status !== 'ok')) continue;
    const tokens = Number(row.output_tokens);
    if (row.output_tokens === '' || !Number.isFinite(tokens) || tokens < 0) continue;
    const model = row.unique_name || row.model;
    let history = byModel.get(model);
    if (!history) byModel.set(model, (history = { outputTokens: [], latencySec: [] }));
    history.outputTokens.push(tokens);
    trim(history.outputTokens);
    const latency = Number(row.latency_sec);
    if (row.latency_sec !== '' && Number.isFinite(latency) && latency >= 0) {
      history.latencySec.push(latency);
      trim(history.latencySec);
    }
  }
  for (const history of byModel.values()) {
    history.outputTokens = history.outputTokens.slice(-recent);
    history.latencySec = history.latencySec.slice(-recent);
  }
  return byModel;
}

/** The `q` quantile (0..1) of `values` (nearest rank on a sorted copy); `undefined` for none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}
