import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answeredLines,
  callIdLine,
  killRepeatedly,
  ledgerRowsByLine,
  runAndKill,
  startKillBench,
  type KillBench,
} from './kill-harness';
import { createTestHome } from './test-env';
import { cliPath, ensureBuilt } from './test-support';

const worker = fileURLToPath(new URL('../test-fixtures/batch-complete-worker.mjs', import.meta.url));

let bench: KillBench;
beforeAll(async () => {
  ensureBuilt();
  bench = await startKillBench();
}, 300_000);
afterAll(() => bench.close());

describe('maxllm run killed with SIGKILL at random moments', () => {
  it(
    'never leaves an answer without exactly one ledger row, and never pays twice for a recorded call',
    { timeout: 600_000 },
    async () => {
      const lineCount = 3000;
      const input = join(bench.test.root, 'kill-input.jsonl');
      const output = join(bench.test.root, 'kill-output.jsonl');
      writeFileSync(
        input,
        Array.from({ length: lineCount }, (_, index) => JSON.stringify(`kill line ${index}`)).join('\n') +
          '\n',
      );
      const args = [cliPath, 'run', input, '-o', output, '--concurrency', '16'];
      await killRepeatedly({
        run: (moment) => runAndKill(args, bench.test.env, output, moment),
        output,
        ledger: join(bench.test.home, 'logs', 'openai_calls.csv'),
        lineOf: callIdLine(/^run:[^:]+:(\d+)$/),
        lineCount,
        promptOf: (index) => `kill line ${index}`,
        paid: bench.proxy.paid,
      });
    },
  );
});

describe('the library batchComplete killed with SIGKILL at random moments (onResult writes the output)', () => {
  it(
    'never hands out an answer without exactly one ledger row, and never pays twice for a recorded call',
    { timeout: 600_000 },
    async () => {
      const lineCount = 1000;
      const input = join(bench.test.root, 'prompts.json');
      const output = join(bench.test.root, 'answers.jsonl');
      writeFileSync(
        input,
        JSON.stringify(Array.from({ length: lineCount }, (_, index) => `lib item ${index}`)),
      );
      await killRepeatedly({
        run: (moment) => runAndKill([worker, input, output], bench.test.env, output, moment, 500),
        output,
        ledger: join(bench.test.home, 'logs', 'openai_calls.csv'),
        lineOf: callIdLine(/^lib:(\d+)$/),
        lineCount,
        promptOf: (index) => `lib item ${index}`,
        paid: bench.proxy.paid,
      });
    },
  );
});

describe('maxllm run --via batch killed with SIGKILL at random moments', () => {
  it(
    'never leaves an answer without exactly one ledger row, and runs each line in exactly one batch job',
    { timeout: 900_000 },
    async () => {
      // Straight at the mock (uploads are multipart): the mock's own batchLines counts the lines its jobs ran.
      const test = createTestHome(bench.mock.url);
      const ledger = join(test.home, 'logs', 'openai_calls.csv');
      const lineCount = 150;
      let kills = 0;
      let rounds = 0;
      // Kills land at a random moment of the first `limitMs`: longer while runs get killed, shorter when one finishes
      // first (each round is one output file, killed and re-run until a run finishes).
      let limitMs = 3000;
      while (kills < 20) {
        rounds += 1;
        expect(rounds, `${kills} kills in ${rounds - 1} rounds`).toBeLessThanOrEqual(15);
        const tag = `batch kill r${rounds} line `;
        const input = join(test.root, `batch-in-${rounds}.jsonl`);
        const output = join(test.root, `batch-out-${rounds}.jsonl`);
        writeFileSync(
          input,
          Array.from({ length: lineCount }, (_, index) => JSON.stringify(`${tag}${index}`)).join('\n') + '\n',
        );
        const lineOf = (row: { prompt_preview: string }): number | undefined =>
          row.prompt_preview.startsWith(tag) ? Number(row.prompt_preview.slice(tag.length)) : undefined;
        const args = [cliPath, 'run', input, '-o', output, '--via', 'batch', '--poll', '50ms'];
        for (;;) {
          if (!(await runAndKill(args, test.env, output, 'early', limitMs))) break;
          kills += 1;
          limitMs = Math.min(20_000, limitMs * 1.2);
          const rows = await ledgerRowsByLine(ledger, lineOf);
          for (const index of answeredLines(output))
            expect(rows.get(index)?.rows, `line ${index} after kill ${kills}`).toBe(1);
        }
        limitMs = Math.max(300, limitMs * 0.6);
        const answered = answeredLines(output);
        expect(new Set(answered).size).toBe(lineCount);
        expect(answered).toHaveLength(lineCount);
        const rows = await ledgerRowsByLine(ledger, lineOf);
        for (let index = 0; index < lineCount; index += 1) {
          expect(rows.get(index), `round ${rounds} line ${index}`).toEqual({ rows: 1, paid: true });
        }
      }
      // Each line paid once: no job was created twice by a run killed mid-upload (jobs still running would show).
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(bench.mock.stats().batchLines).toBe(rounds * lineCount);
    },
  );
});
