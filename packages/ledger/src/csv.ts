import { createRequire } from 'node:module';
import { ledgerColumns, type LedgerRow } from './columns';

// csv-writer publishes raw .ts sources as its types, which do not compile under `verbatimModuleSyntax`.
// Load it untyped and describe the small part we use here, so nothing else imports it.
interface ObjectCsvStringifier {
  getHeaderString(): string | null;
  stringifyRecords(records: readonly object[]): string;
}
interface CsvWriterModule {
  createObjectCsvStringifier(params: {
    header: { id: string; title: string }[];
    recordDelimiter?: string;
  }): ObjectCsvStringifier;
}

const csvWriter = createRequire(import.meta.url)('csv-writer') as CsvWriterModule;
const stringifier = csvWriter.createObjectCsvStringifier({
  header: ledgerColumns.map((id) => ({ id, title: id })),
  recordDelimiter: '\n',
});

/** The header line, newline included. */
export function csvHeader(): string {
  return stringifier.getHeaderString() ?? '';
}

/** Complete CSV lines (each ending in a newline) for `rows`; fields with commas or quotes are quoted. */
export function csvLines(rows: readonly LedgerRow[]): string {
  return rows.length === 0 ? '' : stringifier.stringifyRecords(rows);
}
