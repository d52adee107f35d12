import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBudget } from './budget';
import { InvalidBudgetError } from './errors';
import { ledgerSpendOn } from './ledger-spend';

describe('createBudget input', () => {
  it('rejects bad caps and zones with the cap named', () => {
    expect(() => createBudget({ caps: [{ maxUsd: -1, period: 'run' }] })).toThrow(InvalidBudgetError);
    expect(() => createBudget({ caps: [{ maxUsd: Number.NaN, period: 'day', model: 'x' }] })).toThrow(
      /budget cap 0 \(model x\): maxUsd/,
    );
    expect(() => createBudget({ caps: [], timeZone: 'Mars/Olympus' })).toThrow(/unknown time zone/);
  });

  it('is exact for amounts that do not add up in binary floating point', async () => {
    const budget = createBudget({ caps: [{ maxUsd: 0.3, period: 'run' }] });
    await (await budget.reserve('m', 0.1)).settle(0.1);
    await (await budget.reserve('m', 0.2)).settle(0.2);
    expect((await budget.state())[0]!.spentUsd).toBe(0.3);
  });
});

describe('ledgerSpendOn', () => {
  it("sums a day's cost by model in the given zone, skipping other days and unpriced rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maxllm-spend-'));
    const path = join(dir, 'calls.csv');
    writeFileSync(
      path,
      [
        'timestamp,model,cost_total_usd',
        '2026-11-30T10:00:00.000Z,a,0.5',
        '2026-11-30T23:30:00.000Z,a,0.25',
        '2026-11-29T12:00:00.000Z,a,7',
        '2026-11-30T12:00:00.000Z,b,',
        '2026-11-30T12:00:00.000Z,b,0.125',
      ].join('\n') + '\n',
    );
    expect(await ledgerSpendOn(path, '2026-11-30')).toEqual(
      new Map([
        ['a', 0.75],
        ['b', 0.125],
      ]),
    );
    // In Tokyo (UTC+9) 23:30Z is already Dec 1st.
    expect(await ledgerSpendOn(path, '2026-12-01', 'Asia/Tokyo')).toEqual(new Map([['a', 0.25]]));
  });
});
