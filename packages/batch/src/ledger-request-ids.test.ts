import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ledgerColumns, type LedgerRow } from '@maxllm/ledger';
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerRequestIds } from './ledger-request-ids';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A request id as batch rows have them (13+ characters: V8 slices such strings out of their line, not copies). */
const rowId = (index: number) => `maxllm-batch:nightly.1a2b3c4d:${index}`;

/** Writes a ledger of `count` rows of `uniqueName` (plus one of another model and one too old); returns its path. */
function writeLedger(count: number, uniqueName: string, since: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'maxllm-ledger-ids-'));
  dirs.push(dir);
  const row = (fields: Partial<LedgerRow>) => ledgerColumns.map((column) => fields[column] ?? '').join(',');
  const at = new Date(since + 1000).toISOString();
  const lines = [ledgerColumns.join(',')];
  const preview = 'p'.repeat(1000);
  for (let index = 0; index < count; index++) {
    lines.push(
      row({
        timestamp: at,
        unique_name: uniqueName,
        prompt_preview: preview,
        status: 'ok',
        request_id: rowId(index),
      }),
    );
  }
  lines.push(row({ timestamp: at, unique_name: 'other', status: 'ok', request_id: 'req_other' }));
  lines.push(
    row({ timestamp: new Date(since - 1000).toISOString(), unique_name: uniqueName, request_id: 'req_old' }),
  );
  const path = join(dir, 'ledger.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Heap and buffer bytes in use after a full garbage collection. */
function usedAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc(); // a second pass lets the freed buffers' memory be counted as freed
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

describe('ledgerRequestIds', () => {
  it("reads the request ids of the model's rows since the batch began", async () => {
    const since = Date.parse('2026-01-01T00:00:00Z');
    const ids = await ledgerRequestIds(writeLedger(3, 'gpt-4o-mini', since), 'gpt-4o-mini', since);
    expect(ids.size).toBe(3);
    expect(
      [0, 1, 2, 3].map((index) => ids.has(rowId(index))).concat(ids.has('req_other'), ids.has('req_old')),
    ).toEqual([true, true, true, false, false, false]);
  });

  it("keeps the ids, not the ledger's text (issue 21: resuming a large batch)", async () => {
    const since = Date.parse('2026-01-01T00:00:00Z');
    const path = writeLedger(20_000, 'gpt-4o-mini', since);
    const before = usedAfterGc();
    const ids = await ledgerRequestIds(path, 'gpt-4o-mini', since);
    const retained = usedAfterGc() - before;
    expect(ids.size).toBe(20_000);
    // 20k rows of ~1.1 KB: the file is ~22 MB, the ids ~0.7 MB. A Set of the ids as read held the whole file (23.5 MB
    // measured); the compact set holds ~1.7 MB.
    expect(retained).toBeLessThan(statSync(path).size / 5);
  });
});
