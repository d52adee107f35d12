import { addSummaryRow, emptySummaryRow, type LedgerSummaryRow } from '@maxllm/ledger';
import { formatCount, formatTable, formatUsd } from './table';

/** Sums summary rows into one `total` row. */
export function totalRow(rows: readonly LedgerSummaryRow[]): LedgerSummaryRow {
  return rows.reduce(addSummaryRow, emptySummaryRow('total'));
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
