import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerRow } from './columns';
import { ledgerColumns } from './columns';
import { pythonLedgerColumns } from './foreign-ledger';
import { createLedger } from './ledger';
import { readLedgerRows } from './read-ledger-rows';
import { summarizeLedger } from './summarize-ledger';
import { memoryLogger, sampleCall, tempDir } from './test-helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function rowsOf(path: string, logger = memoryLogger()): Promise<LedgerRow[]> {
  const rows: LedgerRow[] = [];
  for await (const row of readLedgerRows(path, { logger })) rows.push(row);
  return rows;
}

describe('a torn last line', () => {
  it('never gets the next row glued onto it, and every reader skips it with one warning', async () => {
    const path = join(dir, 'openai_calls.csv');
    const first = createLedger({ path, logger: memoryLogger() });
    for (let index = 0; index < 5; index += 1)
      first.record(sampleCall({ uniqueName: 'before', requestId: `r${index}`, prompt: 'p'.repeat(100) }));
    await first.close();
    // A crash cut the last row (as `truncate -s -150` does).
    await truncate(path, (await stat(path)).size - 150);

    const second = createLedger({ path, logger: memoryLogger() });
    second.record(sampleCall({ uniqueName: 'after', requestId: 'new' }));
    second.record(sampleCall({ uniqueName: 'after', requestId: 'newer' }));
    await second.close();

    // The torn row keeps its own line; the new rows each start a line.
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.slice(-2).every((line) => line.startsWith('2026-'))).toBe(true);
    const logger = memoryLogger();
    const rows = await rowsOf(path, logger);
    expect(rows.map((row) => row.request_id)).toEqual(['r0', 'r1', 'r2', 'r3', 'new', 'newer']);
    expect(logger.warnings).toEqual([expect.stringMatching(/^Skipped 1 ledger line\(s\) that do not parse/)]);

    const summaryLogger = memoryLogger();
    const summary = await summarizeLedger(path, { by: 'model', logger: summaryLogger });
    expect(summary.map((row) => [row.key, row.calls])).toEqual([
      ['after', 2],
      ['before', 4],
    ]);
    expect(summaryLogger.warnings).toHaveLength(1);
  });

  it('skips two rows glued on one line (what the old code wrote) instead of inventing a model', async () => {
    const path = join(dir, 'openai_calls.csv');
    const ledger = createLedger({ path, logger: memoryLogger() });
    ledger.record(sampleCall({ uniqueName: 'real' }));
    ledger.record(sampleCall({ uniqueName: 'real' }));
    await ledger.close();
    const [header, row1, row2] = (await readFile(path, 'utf8')).trimEnd().split('\n');
    const glued = `${row1!.slice(0, -60)}${row2}`;
    await writeFile(path, `${header}\n${glued}\n${row2}\n`);
    const summary = await summarizeLedger(path, { by: 'model', logger: memoryLogger() });
    expect(summary.map((row) => [row.key, row.calls])).toEqual([['real', 1]]);
  });
});

describe('a ledger with another header', () => {
  const pythonRows = [
    '2025-03-01T10:00:00.123456,gpt-4o-mini,sys,hello,world,1000,500,1000.0,400.0,1500,0.00015,0.0003,0.00045,0.8123',
    '2025-03-02T10:00:00.123456,gpt-4o-mini,sys,hi,there,2000,100,2000.0,90.0,2100,0.0003,0.00006,0.00036,0.5',
  ];

  it("moves the Python MaxLLM's 14-column ledger aside, writes a new one, and usage reads both", async () => {
    const path = join(dir, 'openai_calls.csv');
    await writeFile(path, `${pythonLedgerColumns.join(',')}\n${pythonRows.join('\n')}\n`);
    const logger = memoryLogger();
    const ledger = createLedger({ path, logger });
    ledger.record(sampleCall({ uniqueName: 'new-model', cacheHit: true }));
    await ledger.close();

    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(
      /Python MaxLLM's header: moved it to .*openai_calls\.python-\d{8}T\d{6}Z\.csv/,
    );
    const names = (await readdir(dir)).sort();
    expect(names).toEqual([
      expect.stringMatching(/^openai_calls\.csv$/),
      expect.stringMatching(/^openai_calls\.python-/),
    ]);
    const aside = join(dir, names[1]!);
    // The old file is untouched; the new one has our header and only our row.
    expect(await readFile(aside, 'utf8')).toBe(
      `${pythonLedgerColumns.join(',')}\n${pythonRows.join('\n')}\n`,
    );
    const current = (await readFile(path, 'utf8')).split('\n');
    expect(current[0]).toBe(ledgerColumns.join(','));
    expect(current.filter((line) => line !== '')).toHaveLength(2);

    const summary = await summarizeLedger(path, { by: 'model', logger: memoryLogger() });
    // Python rows are uncached successful calls: spent money, not hits; the new row is a hit (saved).
    expect(summary).toEqual([
      expect.objectContaining({
        key: 'gpt-4o-mini',
        calls: 2,
        hits: 0,
        errors: 0,
        inputTokens: 3000,
        outputTokens: 600,
      }),
      expect.objectContaining({ key: 'new-model', calls: 1, hits: 1, costUsd: 0 }),
    ]);
    expect(summary[0]!.costUsd).toBeCloseTo(0.00081, 12);
    const byDay = await summarizeLedger(path, { by: 'day', since: new Date('2025-03-02T00:00:00Z') });
    expect(byDay.map((row) => row.key)).toContain('2025-03-02');
    expect(byDay.map((row) => row.key)).not.toContain('2025-03-01');
  });

  it('moves an older MaxLLM header aside as "old", and leaves a current one alone', async () => {
    const path = join(dir, 'openai_calls.csv');
    const older = ledgerColumns.slice(0, 22).join(',');
    await writeFile(path, `${older}\n`);
    const logger = memoryLogger();
    await createLedger({ path, logger }).close();
    expect(logger.warnings).toEqual([
      expect.stringMatching(/an older header: moved it to .*openai_calls\.old-/),
    ]);

    const again = memoryLogger();
    const ledger = createLedger({ path, logger: again });
    ledger.record(sampleCall());
    await ledger.close();
    const reopened = createLedger({ path, logger: again });
    reopened.record(sampleCall());
    await reopened.close();
    expect(again.warnings).toEqual([]);
    expect(await rowsOf(path)).toHaveLength(2);
  });
});
