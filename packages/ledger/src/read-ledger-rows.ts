import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ledgerColumns, type LedgerColumn, type LedgerRow } from './columns.js';
import { parseCsvLine } from './parse-csv-line.js';

/** Options of `readLedgerRows`. */
export interface ReadLedgerRowsOptions {
  /** Called once at the end with the number of malformed lines skipped (only when there were some). */
  onMalformed?: (count: number) => void;
}

/**
 * Streams the rows of a ledger CSV (bounded memory whatever its size). Columns are found by the header's names, so
 * files from older versions still read (a missing column reads as ''); a repeated header line (several writers
 * creating the file at once) is skipped. A missing file yields nothing.
 */
export async function* readLedgerRows(
  path: string,
  options: ReadLedgerRowsOptions = {},
): AsyncGenerator<LedgerRow> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = await new Promise<boolean>((resolve, reject) => {
    stream.once('ready', () => resolve(true));
    stream.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? resolve(false) : reject(error),
    );
  });
  if (!opened) return;
  let index: Array<[LedgerColumn, number]> | undefined;
  let headerLine = '';
  let skipped = 0;
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (line === '') continue;
      if (index === undefined) {
        const names = parseCsvLine(line) ?? [];
        index = ledgerColumns.map((column) => [column, names.indexOf(column)]);
        headerLine = line;
        continue;
      }
      if (line === headerLine) continue;
      const fields = parseCsvLine(line);
      if (fields === undefined || fields.length < 2) {
        skipped += 1;
        continue;
      }
      yield Object.fromEntries(index.map(([column, at]) => [column, fields[at] ?? ''])) as LedgerRow;
    }
  } finally {
    stream.destroy();
  }
  if (skipped > 0) options.onMalformed?.(skipped);
}
