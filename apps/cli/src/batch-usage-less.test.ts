import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLedgerRows, type LedgerRow } from '@maxllm/ledger';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHome, type TestHome } from './test-env';
import { runCli } from './test-support';

// Issue 17 item 11 on the batch paths: a Batch API answer without `usage` (the mock's `no-usage` line fault) was
// paid for; its ledger row gets estimated tokens and cost, marked, with one warning per model.
let server: MockServer;
beforeAll(async () => {
  server = await createMockServer({ batch: { stepMs: 50 }, output: { meanTokens: 8 } });
});
afterAll(() => server.close());

const count = 4;

function writeInput(test: TestHome): string {
  const path = join(test.root, 'in.jsonl');
  const lines = Array.from({ length: count }, (_, index) =>
    JSON.stringify({ prompt: `answered without usage ${index}`, extraBody: { mock_fault: 'no-usage' } }),
  );
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function okRows(test: TestHome): Promise<LedgerRow[]> {
  const rows: LedgerRow[] = [];
  for await (const row of readLedgerRows(join(test.home, 'logs', 'openai_calls.csv'))) {
    if (row.status === 'ok') rows.push(row);
  }
  return rows;
}

function expectEstimated(rows: LedgerRow[], stderr: string): void {
  expect(rows).toHaveLength(count);
  for (const row of rows) {
    expect(row.batch).not.toBe('no');
    expect(Number(row.input_tokens), row.prompt_preview).toBeGreaterThan(0);
    expect(Number(row.output_tokens), row.prompt_preview).toBeGreaterThan(0);
    expect(Number(row.cost_total_usd), row.prompt_preview).toBeGreaterThan(0);
    expect(row.price_source).toMatch(/; estimated tokens$/);
  }
  expect(stderr.match(/answered without usage/g)).toHaveLength(1);
}

describe('Batch API answers without usage', () => {
  it('run --via batch: each row has estimated tokens and cost, marked, and one warning', async () => {
    const test = createTestHome(server.url);
    const input = writeInput(test);
    const output = join(test.root, 'out.jsonl');
    const run = await runCli(['run', input, '-o', output, '--via', 'batch', '--poll', '50ms'], {
      env: test.env,
    });
    expect(run.code, run.stderr).toBe(0);
    expectEstimated(await okRows(test), run.stderr);
  });

  it('batch submit, then batch results: the same', async () => {
    const test = createTestHome(server.url);
    const input = writeInput(test);
    expect(
      (await runCli(['batch', 'submit', input, '--workspace', 'no-usage'], { env: test.env })).code,
    ).toBe(0);
    const results = await runCli(['batch', 'results', 'no-usage', '--wait', '--poll', '50ms'], {
      env: test.env,
    });
    expect(results.code, results.stderr).toBe(0);
    expectEstimated(await okRows(test), results.stderr);
  });
});
