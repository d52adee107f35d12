import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLedgerRows } from '@maxllm/ledger';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHome } from './test-env';
import { runCli } from './test-support';

let server: MockServer;
beforeAll(async () => {
  server = await createMockServer({ output: { meanTokens: 10 } });
});
afterAll(() => server.close());

async function spent(home: string): Promise<number> {
  let total = 0;
  for await (const row of readLedgerRows(join(home, 'logs', 'openai_calls.csv')))
    total += Number(row.cost_total_usd || 0);
  return total;
}

describe('maxllm run --max-usd', () => {
  it('stops before the call that could cross the cap, says so, and a re-run with a higher cap resumes', async () => {
    const test = createTestHome(server.url);
    const input = join(test.root, 'in.jsonl');
    writeFileSync(
      input,
      Array.from({ length: 30 }, (_, i) => JSON.stringify({ prompt: `cap ${i}`, max_tokens: 20 })).join(
        '\n',
      ) + '\n',
    );
    const output = join(test.root, 'out.jsonl');
    const before = server.stats().requests;
    const capped = await runCli(['run', input, '-o', output, '--max-usd', '0.00005', '--concurrency', '2'], {
      env: test.env,
    });
    expect(capped.code).not.toBe(0);
    expect(capped.stderr).toMatch(/stopped: budget reached: .*raise the cap \(--max-usd/);
    expect(capped.stderr).toMatch(/line\(s\) were not sent; re-run the same command to resume/);
    const answered = readFileSync(output, 'utf8').trim().split('\n').filter(Boolean);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.length).toBeLessThan(30);
    expect(answered.every((line) => 'result' in JSON.parse(line))).toBe(true);
    expect(server.stats().requests - before).toBe(answered.length);
    expect(await spent(test.home)).toBeLessThanOrEqual(0.00005);

    const resumed = await runCli(['run', input, '-o', output, '--max-usd', '1'], { env: test.env });
    expect(resumed.code).toBe(0);
    expect(readFileSync(output, 'utf8').trim().split('\n')).toHaveLength(30);
    expect(server.stats().requests - before).toBe(30);
  });
});
