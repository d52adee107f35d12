import { type Logger, stderrLogger } from '@maxllm/core';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ledgerColumns, type LedgerColumn, type LedgerRow } from './columns';
import { parseCsvLine } from './parse-csv-line';

/** Options of `readLedgerRows`. */
export interface ReadLedgerRowsOptions {
  /**
   * Called once at the end with the number of lines skipped because they do not parse (only when there were some).
   * When given, nothing is logged. @default a warning to `logger`
   */
  onMalformed?: (count: number) => void;
  /** Gets one warning with the count of skipped lines. @default warnings to stderr */
  logger?: Pick<Logger, 'warn'>;
}

/**
 * Streams the rows of a ledger CSV (bounded memory whatever its size). Columns are found by the header's names, so
 * files from older versions and the Python MaxLLM's still read (a missing column reads as ''); a repeated header
 * line (several writers creating the file at once) is skipped. A line whose field count is not the header's (a
 * torn line, two rows glued together, an unterminated quote) is skipped and counted: one warning at the end.
 * A missing file yields nothing.
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
  let width = 0;
  let headerLine = '';
  let skipped = 0;
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (line === '') continue;
      if (index === undefined) {
        const names = parseCsvLine(line.replace(/^\uFEFF/, '')) ?? [];
        index = ledgerColumns.map((column) => [column, names.indexOf(column)]);
        width = names.length;
        headerLine = line;
        continue;
      }
      if (line === headerLine) continue;
      const fields = parseCsvLine(line);
      if (fields === undefined || fields.length !== width) {
        skipped += 1;
        continue;
      }
      yield Object.fromEntries(index.map(([column, at]) => [column, fields[at] ?? ''])) as LedgerRow;
    }
  } finally {
    stream.destroy();
  }
  if (skipped === 0) return;
  if (options.onMalformed !== undefined) options.onMalformed(skipped);
  else (options.logger ?? stderrLogger).warn(malformedMessage(skipped, path));
}

/** The one warning about skipped lines. */
export function malformedMessage(count: number, where: string): string {
  return `Skipped ${count} ledger line(s) that do not parse (torn by a crash, or glued together) in ${where}.`;
}
