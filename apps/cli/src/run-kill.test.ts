import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { callIdLine, killRepeatedly, runAndKill, startKillBench, type KillBench } from './kill-harness';
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
