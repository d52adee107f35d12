import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHome, type TestHome } from './test-env';
import { runCli } from './test-support';

let server: MockServer;
let test: TestHome;

beforeAll(async () => {
  server = await createMockServer({ output: { meanTokens: 5 } });
  test = createTestHome(server.url);
});
afterAll(() => server.close());

/** A MAXLLM_HOME nobody can write, root included: its path runs through a regular file. */
function unwritableHome(): Record<string, string> {
  const file = join(test.root, 'not-a-folder');
  writeFileSync(file, 'a file');
  return { ...test.env, MAXLLM_HOME: join(file, 'home') };
}

describe('a ledger that cannot be written fails the command', () => {
  it('maxllm chat prints the answer, then reports the lost row and exits non-zero', async () => {
    const result = await runCli(['chat', 'Say hello'], { env: unwritableHome() });
    expect(result.stdout.trim().length).toBeGreaterThan(0);
    expect(result.stderr).toMatch(
      /LedgerWriteError: Cannot write 1 row\(s\) to the ledger .*openai_calls\.csv/,
    );
    expect(result.code).not.toBe(0);
  });

  it('maxllm run prints its summary, then the lost rows, and exits non-zero', async () => {
    const input = join(test.root, 'prompts.jsonl');
    writeFileSync(input, ['"one"', '"two"', '"three"'].join('\n') + '\n');
    const result = await runCli(['run', input, '-o', join(test.root, 'out.jsonl')], {
      env: unwritableHome(),
    });
    expect(result.stderr).toMatch(/run: 3 lines: 3 answered/);
    expect(result.stderr).toMatch(/Cannot write 3 row\(s\) to the ledger/);
    expect(result.stderr.match(/Cannot write/g)).toHaveLength(1);
    expect(result.code).not.toBe(0);
  });
});
