import { describe, expect, it } from 'vitest';
import { ledgerColumns, type LedgerRow } from './columns';
import { parseCsvLine } from './parse-csv-line';
import { csvLines } from './test-helpers';

describe('parseCsvLine', () => {
  it('splits plain and quoted fields, with commas, doubled quotes and empty cells', () => {
    expect(parseCsvLine('a,,c,')).toEqual(['a', '', 'c', '']);
    expect(parseCsvLine('"a,b","say ""hi""",x')).toEqual(['a,b', 'say "hi"', 'x']);
    expect(parseCsvLine('"",x,""')).toEqual(['', 'x', '']);
  });

  it('rejects an unterminated quote', () => {
    expect(parseCsvLine('"abc,d')).toBeUndefined();
  });

  it('reads back what csv-writer wrote', () => {
    const row = Object.fromEntries(ledgerColumns.map((column) => [column, ''])) as LedgerRow;
    row.prompt_preview = 'a, "quoted", b';
    row.model = 'gpt,x';
    const line = csvLines([row]);
    expect(line.endsWith('\n')).toBe(true);
    const fields = parseCsvLine(line.slice(0, -1));
    expect(fields).toHaveLength(ledgerColumns.length);
    expect(fields?.[ledgerColumns.indexOf('prompt_preview')]).toBe('a, "quoted", b');
    expect(fields?.[ledgerColumns.indexOf('model')]).toBe('gpt,x');
  });
});
