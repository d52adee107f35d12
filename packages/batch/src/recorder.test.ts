import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, readLedgerRows } from '@maxllm/ledger';
import { describe, expect, it } from 'vitest';
import { batchRowId, workspaceRowOwner } from './recorder';

describe('batch row ids', () => {
  it('survive the ledger: a workspace name with spaces, accents and any length still gives a stable, kept id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maxllm-row-id-'));
    try {
      const workspace = join(dir, 'batch', `nächtliche Läufe ${'x'.repeat(100)} (Kopie)`);
      const ids = [
        batchRowId('cache', workspaceRowOwner(workspace), '12345'),
        batchRowId('batch', 'batch_6a1b2c3d4e5f60718293a4b5c6d7e8f9', '99999'),
      ];
      expect(batchRowId('cache', workspaceRowOwner(workspace), '12345')).toBe(ids[0]);
      expect(workspaceRowOwner(`${workspace}2`)).not.toBe(workspaceRowOwner(workspace));
      const ledger = createLedger({ path: join(dir, 'calls.csv') });
      for (const requestId of ids) {
        ledger.record({
          model: 'gpt-4o-mini',
          uniqueName: 'mini',
          cacheHit: false,
          batch: true,
          status: 'ok',
          requestId,
        });
      }
      await ledger.close();
      const written = [];
      for await (const row of readLedgerRows(join(dir, 'calls.csv'))) written.push(row.request_id);
      expect(written).toEqual(ids);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
