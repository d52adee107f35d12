import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerColumns } from './columns';
import { createLedger } from './ledger';
import { addSummaryRow, emptySummaryRow, summarizeLedger } from './summarize-ledger';
import { memoryLogger, sampleCall, tempDir } from './test-helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe('summarizeLedger', () => {
  it('totals a ledger written by record() per model and per day, honouring since', async () => {
    const path = join(dir, 'ledger.csv');
    const ledger = createLedger({ path, logger: memoryLogger() });
    const day1 = new Date('2026-03-01T10:00:00Z');
    const day2 = new Date('2026-03-02T23:59:59Z');
    ledger.record(sampleCall({ timestamp: day1, prompt: 'a, "tricky", prompt' }));
    ledger.record(sampleCall({ timestamp: day1, cacheHit: true }));
    ledger.record(sampleCall({ timestamp: day2, uniqueName: 'other' }));
    ledger.record(sampleCall({ timestamp: day2, status: 'APIConnectionError', usage: undefined }));
    ledger.record(
      sampleCall({ timestamp: day2, model: 'no-such-model-xyz', uniqueName: 'x', prices: undefined }),
    );
    await ledger.close();

    const byModel = await summarizeLedger(path, { by: 'model' });
    expect(byModel.map((row) => row.key)).toEqual(['other', 'test-model', 'x']);
    const test = byModel[1]!;
    expect(test).toMatchObject({ calls: 3, hits: 1, errors: 1, inputTokens: 2000, cachedInputTokens: 400 });
    expect(test).toMatchObject({ outputTokens: 1000, reasoningTokens: 200, unpricedCalls: 0 });
    expect(test.costUsd).toBeCloseTo(0.0057, 12);
    expect(test.savedUsd).toBeCloseTo(0.0057, 12);
    expect(byModel[2]).toMatchObject({ calls: 1, costUsd: 0, unpricedCalls: 1 });

    const byDay = await summarizeLedger(path, { by: 'day' });
    expect(byDay.map((row) => [row.key, row.calls])).toEqual([
      ['2026-03-01', 2],
      ['2026-03-02', 3],
    ]);
    const since = await summarizeLedger(path, { by: 'day', since: new Date('2026-03-02T00:00:00Z') });
    expect(since.map((row) => [row.key, row.calls])).toEqual([['2026-03-02', 3]]);
  });

  it('returns nothing for a missing file and skips malformed lines with a warning', async () => {
    expect(await summarizeLedger(join(dir, 'none.csv'), { by: 'model' })).toEqual([]);
    const path = join(dir, 'broken.csv');
    const header = ledgerColumns.join(',');
    const good = ledgerColumns
      .map((column) =>
        column === 'unique_name' ? 'm' : column === 'timestamp' ? '2026-01-01T00:00:00.000Z' : '',
      )
      .join(',');
    await writeFile(path, `${header}\n${good}\n"unterminated,\n${header}\n${good}\n`);
    const logger = memoryLogger();
    expect(await summarizeLedger(path, { by: 'model', logger })).toMatchObject([{ key: 'm', calls: 2 }]);
    expect(logger.warnings).toEqual([expect.stringContaining('Skipped 1 ledger line(s) that do not parse')]);
  });

  it('streams a 1M-row ledger in bounded memory', { timeout: 60_000 }, async () => {
    const path = join(dir, 'big.csv');
    const rowCount = 1_000_000;
    const out = createWriteStream(path);
    out.write(ledgerColumns.slice(0, 22).join(',') + '\n'); // the 22 columns the rows below have
    const start = Date.UTC(2025, 0, 1);
    let chunk = '';
    for (let index = 0; index < rowCount; index += 1) {
      const day = new Date(start + Math.floor(index / 2740) * 86_400_000).toISOString();
      const hit = index % 4 === 0 ? 'yes' : 'no';
      chunk += `${day},gpt-4o-mini,,"p, ""q""",,100,50,,,150,0.000015,0.00003,0.000045,0.5,m${index % 3},10,0,${hit},no,ok,,x\n`;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.end(chunk);
    await once(out, 'finish');

    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const rows = await summarizeLedger(path, { by: 'day' });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed);

    expect(rows).toHaveLength(365);
    expect(rows.reduce((total, row) => total + row.calls, 0)).toBe(rowCount);
    expect(rows.reduce((total, row) => total + row.hits, 0)).toBe(rowCount / 4);
    expect(rows.reduce((total, row) => total + row.inputTokens, 0)).toBe(rowCount * 100);
    // The file is ~100 MB; holding its lines would take far more heap than this.
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('summary rows', () => {
  it('adds every counter into a total row and keeps the total key', () => {
    const row = { ...emptySummaryRow('gpt'), calls: 2, hits: 1, costUsd: 0.5, unpricedCalls: 1 };
    const total = [row, row].reduce(addSummaryRow, emptySummaryRow('total'));
    expect(total).toEqual({ ...emptySummaryRow('total'), calls: 4, hits: 2, costUsd: 1, unpricedCalls: 2 });
  });
});
