import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createLedger } from '@maxllm/ledger';
import { describe, expect, it } from 'vitest';
import { runCallIds } from './run-call-ids';

/** A ledger with one row per `[callId, status]`, in order. */
async function ledgerWith(rows: [string, string][]): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'maxllm-call-ids-')), 'openai_calls.csv');
  const ledger = createLedger({ path });
  for (const [callId, status] of rows) {
    ledger.record({ model: 'm', uniqueName: 'm', cacheHit: false, batch: false, status, callId });
  }
  await ledger.close();
  return path;
}

describe('runCallIds: the call ids of a run, and those its ledger already holds', () => {
  const output = join(tmpdir(), 'maxllm-call-ids-out.jsonl');

  it('resumes the newest generation: only its ok rows count, by exact call id', async () => {
    const { prefix: first } = await runCallIds(join(tmpdir(), 'no-such-ledger.csv'), output, false);
    expect(first).toMatch(/^run:[0-9a-f]{12}:$/);
    const base = first.slice(0, -1);
    const path = await ledgerWith([
      [`${base}:0`, 'ok'],
      [`${base}:1`, 'ok'],
      [`${base}.1:0`, 'ok'],
      [`${base}.1:2`, 'error'],
      [`${base}.1:10`, 'ok'],
      [`${base}:3`, 'ok'], // an older generation's row after a newer one's: still not this generation's
      ['run:000000000000:4', 'ok'], // another output's run
      [`${base}.1:007`, 'ok'], // not a line index the run writes
    ]);
    const { prefix, recorded } = await runCallIds(path, output, false);
    expect(prefix).toBe(`${base}.1:`);
    const has = (id: string) => recorded.has(id);
    expect([`${base}.1:0`, `${base}.1:10`].map(has)).toEqual([true, true]);
    const absent = [`${base}.1:1`, `${base}.1:2`, `${base}.1:3`, `${base}.1:7`, `${base}:0`, `${base}.1:01`];
    expect(absent.map(has)).toEqual(absent.map(() => false));
    expect(['run:000000000000:4', `${base}.1:1e1`, `${base}.1:-0`, `x${base}.1:0`, ''].some(has)).toBe(false);
  });

  it('a restart starts the next generation, with nothing recorded', async () => {
    const base = (await runCallIds(join(tmpdir(), 'no-such-ledger.csv'), output, false)).prefix.slice(0, -1);
    const path = await ledgerWith([
      [`${base}:0`, 'ok'],
      [`${base}.1:0`, 'ok'],
    ]);
    const { prefix, recorded } = await runCallIds(path, output, true);
    expect(prefix).toBe(`${base}.2:`);
    expect([`${base}.2:0`, `${base}.1:0`, `${base}:0`].some((id) => recorded.has(id))).toBe(false);
  });
});

describe('runCallIds: a restart killed before its first row', () => {
  const output = join(tmpdir(), 'maxllm-call-ids-restart.jsonl');

  it('resumes the generation the restart started, not the one it replaced', async () => {
    const base = (await runCallIds(join(tmpdir(), 'no-such-ledger.csv'), output, false)).prefix.slice(0, -1);
    const path = await ledgerWith([
      [`${base}:0`, 'ok'],
      [`${base}:1`, 'ok'],
    ]);
    expect((await runCallIds(path, output, true)).prefix).toBe(`${base}.1:`);
    // Killed here: no row of generation 1 in the ledger. The re-run must not take generation 0's ids and rows.
    const { prefix, recorded } = await runCallIds(path, output, false);
    expect(prefix).toBe(`${base}.1:`);
    expect([`${base}.1:0`, `${base}.1:1`, `${base}:0`].some((id) => recorded.has(id))).toBe(false);
    expect((await runCallIds(path, output, true)).prefix).toBe(`${base}.2:`);
    // Written beside the ledger, owner only like it.
    const started = join(dirname(path), 'runs', base.slice('run:'.length));
    expect(readFileSync(started, 'utf8')).toBe('2\n');
    expect(statSync(started).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(started)).mode & 0o777).toBe(0o700);
  });
});
