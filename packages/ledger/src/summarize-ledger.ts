import { type Logger, stderrLogger } from '@maxllm/core';
import type { LedgerColumn, LedgerRow } from './columns';
import { movedAsideLedgers } from './foreign-ledger';
import { malformedMessage, readLedgerRows } from './read-ledger-rows';

/** Options of `summarizeLedger`. */
export interface SummarizeLedgerOptions {
  /** Group rows by model unique name or by UTC day (`YYYY-MM-DD`). */
  by: 'model' | 'day';
  /** Only rows with a timestamp at or after this instant. @default all rows */
  since?: Date;
  /** Gets one warning with the count of lines skipped because they do not parse. @default warnings to stderr */
  logger?: Pick<Logger, 'warn'>;
  /**
   * Also read the ledgers moved aside next to `path` (older MaxLLM or Python MaxLLM headers; see `createLedger`).
   * @default true
   */
  movedAside?: boolean;
}

/** Totals of one group of ledger rows. */
export interface LedgerSummaryRow {
  /** Unique name (falls back to the `model` column) or UTC day `YYYY-MM-DD`. */
  key: string;
  /** Rows in the group. */
  calls: number;
  /** Rows with `cache_hit=yes`. */
  hits: number;
  /** Rows whose status is not `ok`. */
  errors: number;
  /** @unit tokens */
  inputTokens: number;
  /** @unit tokens */
  cachedInputTokens: number;
  /** @unit tokens */
  outputTokens: number;
  /** @unit tokens */
  reasoningTokens: number;
  /** Money spent: cost of rows that were not cache hits and had a known cost. @unit USD */
  costUsd: number;
  /** Money saved: cost of cache-hit rows. @unit USD */
  savedUsd: number;
  /** Rows with tokens but an empty cost (unknown price): `costUsd` is a lower bound when this is non-zero. */
  unpricedCalls: number;
}

/**
 * Streams a ledger CSV line by line (bounded memory whatever its size), and the ledgers moved aside next to it, and
 * totals them per model or per day, sorted by key. Columns are found by the header's names, so files from older
 * versions and the Python MaxLLM's still read (Python rows are uncached successful calls: no `cache_hit`, no
 * `status`, `unique_name` = `model`). Lines that do not parse are skipped with one warning. A missing file gives an
 * empty array.
 */
export async function summarizeLedger(
  path: string,
  options: SummarizeLedgerOptions,
): Promise<LedgerSummaryRow[]> {
  const since = options.since?.toISOString();
  const groups = new Map<string, LedgerSummaryRow>();
  let skipped = 0;
  const files = options.movedAside === false ? [path] : [...(await movedAsideLedgers(path)), path];
  for (const file of files) {
    for await (const row of readLedgerRows(file, { onMalformed: (count) => (skipped += count) })) {
      add(row);
    }
  }
  function add(row: LedgerRow): void {
    const field = (column: LedgerColumn): string => row[column];
    const timestamp = field('timestamp');
    if (since !== undefined && !(timestamp >= since)) return;
    const key = options.by === 'day' ? timestamp.slice(0, 10) : field('unique_name') || field('model');
    let group = groups.get(key);
    if (group === undefined) {
      group = emptySummaryRow(key);
      groups.set(key, group);
    }
    const hit = field('cache_hit') === 'yes';
    group.calls += 1;
    if (hit) group.hits += 1;
    const status = field('status');
    if (status !== '' && status !== 'ok') group.errors += 1;
    group.inputTokens += number(field('input_tokens'));
    group.cachedInputTokens += number(field('cached_input_tokens'));
    group.outputTokens += number(field('output_tokens'));
    group.reasoningTokens += number(field('reasoning_tokens'));
    const cost = field('cost_total_usd');
    if (cost === '') {
      if (field('input_tokens') !== '') group.unpricedCalls += 1;
    } else if (hit) group.savedUsd += number(cost);
    else group.costUsd += number(cost);
  }
  if (skipped > 0) (options.logger ?? stderrLogger).warn(malformedMessage(skipped, `the ledger ${path}`));
  return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A summary row with every counter at zero. */
export function emptySummaryRow(key: string): LedgerSummaryRow {
  return {
    key,
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
}

/** Adds `row`'s counters into `total` (for a total line over several rows). */
export function addSummaryRow(total: LedgerSummaryRow, row: LedgerSummaryRow): LedgerSummaryRow {
  for (const name of Object.keys(total) as Array<keyof LedgerSummaryRow>) {
    if (name !== 'key') total[name] += row[name];
  }
  return total;
}

function number(text: string): number {
  if (text === '') return 0;
  const value = Number(text);
  return Number.isFinite(value) ? value : 0;
}
