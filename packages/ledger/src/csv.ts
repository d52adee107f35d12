import { ledgerColumns, type LedgerRow } from './columns';

const header = `${ledgerColumns.join(',')}\n`;

/** The header line, newline included. */
export function csvHeader(): string {
  return header;
}

/**
 * One CSV field, written as the ledger has always written it (csv-writer's rule, kept byte for byte): quoted, with
 * quotes doubled, when it holds a comma, a line feed or a quote; an empty string stays empty.
 */
export function csvField(value: string): string {
  return value.includes(',') || value.includes('\n') || value.includes('"')
    ? `"${value.replaceAll('"', '""')}"`
    : value;
}

/** The fields of the line being written (reused: `csvLine` is synchronous). */
const fields: string[] = new Array<string>(ledgerColumns.length).fill('');
const last = ledgerColumns.length - 1;

/**
 * One complete CSV line (ending in a newline) for `row`, its fields in {@link ledgerColumns} order. Joined in one
 * step: a line built by `+=` is a chain of ~50 string pieces until it is written, which costs more in GC than the
 * formatting itself.
 */
export function csvLine(row: LedgerRow): string {
  for (let index = 0; index < last; index++) fields[index] = csvField(row[ledgerColumns[index]!]);
  fields[last] = `${csvField(row[ledgerColumns[last]!])}\n`;
  return fields.join(',');
}

/** Complete CSV lines (each ending in a newline) for `rows`; fields with commas or quotes are quoted. */
export function csvLines(rows: readonly LedgerRow[]): string {
  let text = '';
  for (const row of rows) text += csvLine(row);
  return text;
}
