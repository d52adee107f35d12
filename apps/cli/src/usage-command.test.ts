import { createLedger } from '@maxllm/ledger';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestHome } from './test-env';
import { runCli } from './test-support';

async function seedLedger(home: string): Promise<void> {
  const ledger = createLedger({ path: join(home, 'logs', 'openai_calls.csv') });
  const usage = { inputTokens: 1000, outputTokens: 500 };
  const prices = { inputPerMillion: 1, outputPerMillion: 2 };
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
  ledger.record({
    model: 'gpt-4o-mini',
    uniqueName: 'gpt-4o-mini',
    usage,
    prices,
    cacheHit: false,
    batch: false,
    status: 'ok',
    timestamp: daysAgo(10),
  });
  ledger.record({
    model: 'gpt-4o-mini',
    uniqueName: 'gpt-4o-mini',
    usage,
    prices,
    cacheHit: false,
    batch: false,
    status: 'ok',
    timestamp: daysAgo(3),
  });
  ledger.record({
    model: 'gpt-4o-mini',
    uniqueName: 'gpt-4o-mini',
    usage,
    prices,
    cacheHit: true,
    batch: false,
    status: 'ok',
    timestamp: daysAgo(3),
  });
  ledger.record({
    model: 'glm-4.6',
    uniqueName: 'glm-4.6',
    usage,
    prices,
    cacheHit: false,
    batch: false,
    status: 'ok',
    timestamp: daysAgo(0),
  });
  await ledger.close();
}

describe('maxllm usage and status', () => {
  it('usage groups by model and by day, filtered by --since', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1');
    await seedLedger(test.home);
    const all = JSON.parse((await runCli(['usage', '--json'], { env: test.env })).stdout);
    expect(all.rows.map((row: { key: string; calls: number }) => [row.key, row.calls])).toEqual([
      ['glm-4.6', 1],
      ['gpt-4o-mini', 3],
    ]);
    // 1000 input at $1/M + 500 output at $2/M = $0.002 per paid call; three paid calls.
    expect(all.total.costUsd).toBeCloseTo(0.006, 6);
    const recent = JSON.parse((await runCli(['usage', '--since', '7d', '--json'], { env: test.env })).stdout);
    expect(recent.total.calls).toBe(3);
    const byDay = await runCli(['usage', '--since', '7d', '--by', 'day'], { env: test.env });
    expect(byDay.code).toBe(0);
    expect(byDay.stdout).toMatch(/^day\s+calls/m);
    expect(byDay.stdout).toMatch(/^\d{4}-\d{2}-\d{2}\s+2\s+1/m);
    expect(byDay.stdout).toMatch(/^total\s+3/m);
    const bad = await runCli(['usage', '--by', 'week'], { env: test.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--by must be "model" or "day"/);
  });

  it('status shows the files and all-time totals; an empty home says so', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1');
    const empty = await runCli(['status'], { env: test.env });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/all time: 0 calls/);
    await seedLedger(test.home);
    const result = await runCli(['status'], { env: test.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(join(test.home, 'logs', 'openai_calls.csv'));
    expect(result.stdout).toMatch(/all time: 4 calls, 1 cached, \$0\.00600 spent/);
    expect(result.stdout).toMatch(/last 24h: 1 call,/);
  });
});
