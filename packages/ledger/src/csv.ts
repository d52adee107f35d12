import { ledgerColumns } from './columns';

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
