import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLedger } from './ledger';
import { readLedgerRows } from './read-ledger-rows';
import { memoryLogger, tempDir } from './test-helpers';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => cleanup?.());

async function collect(path: string, onMalformed?: (count: number) => void) {
  const rows = [];
  for await (const row of readLedgerRows(path, onMalformed ? { onMalformed } : {})) rows.push(row);
  return rows;
}

describe('readLedgerRows', () => {
  it('reads back what the ledger wrote, column by name', async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    const path = join(temp.dir, 'calls.csv');
    const ledger = createLedger({ path, logger: memoryLogger() });
    ledger.record({
      model: 'gpt-4o-mini',
      uniqueName: 'mini',
      cacheHit: false,
      batch: true,
      status: 'ok',
      requestId: 'req_1',
    });
    ledger.record({
      model: 'gpt-4o-mini',
      uniqueName: 'mini',
      cacheHit: true,
      batch: false,
      status: 'ok',
      prompt: 'a, "b"',
    });
    await ledger.close();
    const rows = await collect(path);
    expect(rows.map((row) => [row.request_id, row.batch, row.cache_hit, row.prompt_preview])).toEqual([
      ['req_1', 'yes', 'no', ''],
      ['', 'no', 'yes', 'a, "b"'],
    ]);
  });

  it('reads an older header (missing columns are empty), skips a repeated header and counts malformed lines', async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    const path = join(temp.dir, 'old.csv');
    await writeFile(
      path,
      'timestamp,model\n2026-01-01T00:00:00Z,gpt-4\ntimestamp,model\n"unterminated\n2026-01-02T00:00:00Z,o3\n',
    );
    let malformed = 0;
    const rows = await collect(path, (count) => (malformed = count));
    expect(rows.map((row) => [row.model, row.request_id])).toEqual([
      ['gpt-4', ''],
      ['o3', ''],
    ]);
    expect(malformed).toBe(1);
  });

  it('yields nothing for a missing file', async () => {
    expect(await collect('/nonexistent/maxllm/ledger.csv')).toEqual([]);
  });
});
