import type { LedgerSummaryRow } from 'maxllm';
import { formatCount, formatTable, formatUsd } from './table.js';

/** Sums summary rows into one `total` row. */
export function totalRow(rows: readonly LedgerSummaryRow[]): LedgerSummaryRow {
  const total: LedgerSummaryRow = {
    key: 'total',
    calls: 0,
    hits: 0,
    errors: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    savedUsd: 0,
    unpricedCalls: 0,
  };
  for (const row of rows) {
    total.calls += row.calls;
    total.hits += row.hits;
    total.errors += row.errors;
    total.inputTokens += row.inputTokens;
    total.cachedInputTokens += row.cachedInputTokens;
    total.outputTokens += row.outputTokens;
    total.reasoningTokens += row.reasoningTokens;
    total.costUsd += row.costUsd;
    total.savedUsd += row.savedUsd;
    total.unpricedCalls += row.unpricedCalls;
  }
  return total;
}

/** A table of ledger summary rows with a total line; `keyHeading` is `model` or `day`. */
export function formatLedgerSummary(rows: readonly LedgerSummaryRow[], keyHeading: string): string {
  const line = (row: LedgerSummaryRow): string[] => {
    const answered = row.calls - row.errors;
    return [
      row.key,
      formatCount(row.calls),
      formatCount(row.hits),
      answered > 0 ? `${((row.hits / answered) * 100).toFixed(1)}%` : '-',
      formatCount(row.errors),
      formatCount(row.inputTokens),
      formatCount(row.outputTokens),
      formatUsd(row.costUsd) + (row.unpricedCalls > 0 ? '+?' : ''),
      formatUsd(row.savedUsd),
    ];
  };
  const body = rows.map(line);
  if (rows.length > 1) body.push(line(totalRow(rows)));
  return formatTable(
    [keyHeading, 'calls', 'cached', 'hit rate', 'errors', 'input tok', 'output tok', 'spent', 'saved'],
    body,
  );
}
