import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ledgerColumns, type LedgerRow } from './columns';
import { csvField, csvHeader } from './csv';
import { csvLines } from './test-helpers';

// The ledger's lines were written by csv-writer until they were written by hand: the bytes must not change.
interface Stringifier {
  getHeaderString(): string | null;
  stringifyRecords(records: readonly object[]): string;
}
const csvWriter = createRequire(import.meta.url)('csv-writer') as {
  createObjectCsvStringifier(params: {
    header: { id: string; title: string }[];
    recordDelimiter?: string;
  }): Stringifier;
};
const reference = csvWriter.createObjectCsvStringifier({
  header: ledgerColumns.map((id) => ({ id, title: id })),
  recordDelimiter: '\n',
});

const samples = [
  '',
  'ok',
  'a,b',
  'say "hi"',
  '"',
  '""',
  ',',
  'line\nbreak',
  'carriage\rreturn',
  'tab\there',
  ' leading and trailing ',
  'semi;colon',
  'ünïcödé 🦜, "quoted"',
  '\n',
  "it's",
  '2026-11-30T23:50:00.000Z',
  '0.000012',
];

function row(pick: (column: number) => string): LedgerRow {
  return Object.fromEntries(ledgerColumns.map((column, index) => [column, pick(index)])) as LedgerRow;
}

describe('csv', () => {
  it('writes the header csv-writer wrote', () => {
    expect(csvHeader()).toBe(reference.getHeaderString());
  });

  it('writes every field as csv-writer did', () => {
    for (const sample of samples) {
      expect(csvLines([row(() => sample)])).toBe(reference.stringifyRecords([row(() => sample)]));
    }
  });

  it('writes rows of mixed fields, one line each, as csv-writer did', () => {
    const rows = Array.from({ length: 200 }, (_, seed) =>
      row((column) => samples[(seed * 7 + column * 3) % samples.length]!),
    );
    expect(csvLines(rows)).toBe(reference.stringifyRecords(rows));
    expect(csvLines([])).toBe('');
  });

  it('quotes a field only when it holds a comma, a line feed or a quote', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
});
