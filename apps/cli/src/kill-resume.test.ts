import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLedgerRows } from '@maxllm/ledger';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerRowsByLine } from './kill-harness';
import { createTestHome, type TestHome } from './test-env';
import { cleanEnv, cliPath, runCli } from './test-support';

// Every output path is killed (SIGKILL, by a preload that counts the writes to the output file) right after its
// 10th output line, then re-run; each line's answer must be its own prompt's answer, and carry its own id.
const killer = fileURLToPath(new URL('../test-fixtures/kill-after-writes.mjs', import.meta.url));
const count = 30;
const killAfter = 10;

let server: MockServer;
let oracle: OpenAI;

beforeAll(async () => {
  server = await createMockServer({ output: { meanTokens: 6 }, batch: { stepMs: 50 } });
  oracle = new OpenAI({ baseURL: server.url, apiKey: 'test-key', maxRetries: 0 });
});
afterAll(() => server.close());

const prompt = (index: number): string => `kill and resume, prompt number ${index}`;

/** The mock answers the same request with the same text: ask it directly, as the CLI would. */
async function expectedAnswer(index: number): Promise<string | null> {
  const completion = await oracle.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: prompt(index) }],
  });
  return completion.choices[0]?.message.content ?? null;
}

function writeInput(test: TestHome): string {
  const path = join(test.root, 'in.jsonl');
  // Ids that look like indexes but are not the same ones: a join on the wrong field shows.
  const lines = Array.from({ length: count }, (_, index) =>
    JSON.stringify({ id: String(index + 1), prompt: prompt(index) }),
  );
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

interface Line {
  index: number;
  id?: unknown;
  result?: unknown;
  error?: unknown;
}

function readOutput(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Line);
}

/** Runs the CLI with the killer preloaded; resolves once the process is gone. */
function runAndKill(test: TestHome, output: string, args: string[]): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['--import', killer, cliPath, ...args], {
    env: cleanEnv({ ...test.env, KILL_OUTPUT: output, KILL_AFTER_WRITES: String(killAfter) }),
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

async function expectEveryLineAnsweredRight(output: string): Promise<void> {
  const lines = readOutput(output);
  expect(lines.filter((line) => line.error !== undefined)).toEqual([]);
  expect(lines.map((line) => line.index).sort((a, b) => a - b)).toEqual(
    Array.from({ length: count }, (_, index) => index),
  );
  for (const line of lines) expect(line.result, `line ${line.index}`).toBe(await expectedAnswer(line.index));
  for (const line of lines) expect(line.id, `line ${line.index}`).toBe(String(line.index + 1));
}

/**
 * Every answered line of `output` has exactly one ok ledger row (its answer never outran its row); with `all`, every
 * input line has exactly one.
 */
async function expectOneRowPerAnswer(test: TestHome, output: string, all = false): Promise<void> {
  const rows = await ledgerRowsByLine(join(test.home, 'logs', 'openai_calls.csv'), (row) => {
    const match = /^kill and resume, prompt number (\d+)$/.exec(row.prompt_preview);
    return match === null ? undefined : Number(match[1]);
  });
  const lines = all
    ? Array.from({ length: count }, (_, index) => index)
    : readOutput(output)
        .filter((line) => line.result !== undefined)
        .map((line) => line.index);
  for (const index of lines) expect(rows.get(index)?.rows, `line ${index}`).toBe(1);
}

describe('a kill between two output writes, then a re-run', () => {
  it('run: every line gets its own answer and id', async () => {
    const test = createTestHome(server.url);
    const input = writeInput(test);
    const output = join(test.root, 'out.jsonl');
    const args = ['run', input, '-o', output, '--concurrency', '4'];
    expect(await runAndKill(test, output, args)).toBe('SIGKILL');
    expect(readOutput(output)).toHaveLength(killAfter);
    await expectOneRowPerAnswer(test, output);
    const rerun = await runCli(args, { env: test.env });
    expect(rerun.code).toBe(0);
    await expectEveryLineAnsweredRight(output);
    await expectOneRowPerAnswer(test, output, true);
  });

  it('run --restart, killed, then a re-run: each answer of the new output has its own row', async () => {
    const test = createTestHome(server.url);
    const input = writeInput(test);
    const output = join(test.root, 'out.jsonl');
    const args = ['run', input, '-o', output, '--concurrency', '4'];
    expect((await runCli(args, { env: test.env })).code).toBe(0);
    expect(await runAndKill(test, output, [...args, '--restart'])).toBe('SIGKILL');
    expect(readOutput(output)).toHaveLength(killAfter);
    expect((await runCli(args, { env: test.env })).code).toBe(0);
    await expectEveryLineAnsweredRight(output);
    // The first output's paid rows, and one row (a cache hit) per answer of the restarted output: the old rows
    // must not stand in for the new output's lines.
    const rowsPerCallId = new Map<string, number>();
    let hits = 0;
    for await (const row of readLedgerRows(join(test.home, 'logs', 'openai_calls.csv'))) {
      if (row.status !== 'ok' || !row.call_id.startsWith('run:')) continue;
      rowsPerCallId.set(row.call_id, (rowsPerCallId.get(row.call_id) ?? 0) + 1);
      if (row.cache_hit !== 'no') hits += 1;
    }
    expect([...rowsPerCallId.values()].filter((rows) => rows !== 1)).toEqual([]);
    expect(rowsPerCallId.size).toBe(2 * count);
    expect(hits).toBe(count);
  });

  it('run --via batch: every line gets its own answer and id', async () => {
    const test = createTestHome(server.url);
    const input = writeInput(test);
    const output = join(test.root, 'out.jsonl');
    const args = ['run', input, '-o', output, '--via', 'batch', '--poll', '50ms'];
    expect(await runAndKill(test, output, args)).toBe('SIGKILL');
    expect(readOutput(output)).toHaveLength(killAfter);
    await expectOneRowPerAnswer(test, output);
    const rerun = await runCli(args, { env: test.env });
    expect(rerun.code).toBe(0);
    await expectEveryLineAnsweredRight(output);
    await expectOneRowPerAnswer(test, output, true);
  });

  it('batch results: every line gets its own answer and id, once', async () => {
    const test = createTestHome(server.url);
    const input = writeInput(test);
    const submit = await runCli(['batch', 'submit', input, '--workspace', 'killed'], { env: test.env });
    expect(submit.code).toBe(0);
    const output = join(test.root, 'answers.jsonl');
    const args = ['batch', 'results', 'killed', '--wait', '--poll', '50ms', '-o', output];
    expect(await runAndKill(test, output, args)).toBe('SIGKILL');
    expect(readOutput(output)).toHaveLength(killAfter);
    await expectOneRowPerAnswer(test, output);
    const rerun = await runCli(args, { env: test.env });
    expect(rerun.code).toBe(0);
    await expectEveryLineAnsweredRight(output);
    await expectOneRowPerAnswer(test, output, true);
  });
});
