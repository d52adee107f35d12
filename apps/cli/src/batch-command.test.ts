import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer } from '@maxllm/mock-server';
import { describe, expect, it } from 'vitest';
import { createTestHome } from './test-env';
import { cleanEnv, cliPath, runCli } from './test-support';

function jsonLines(text: string): Array<{ index: number; id?: string; result?: unknown; error?: unknown }> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { index: number; id?: string; result?: unknown; error?: unknown });
}

describe('maxllm batch', () => {
  it('submit, status, list, results --wait; a later online run is served from the cache', async () => {
    const server = await createMockServer({ batch: { stepMs: 150 }, output: { meanTokens: 8 } });
    try {
      const test = createTestHome(server.url);
      const input = join(test.root, 'in.jsonl');
      writeFileSync(input, '"first"\n{"prompt": "second", "temperature": 0}\n"third"\n');
      const submit = await runCli(['batch', 'submit', input, '--workspace', 'nightly'], { env: test.env });
      expect(submit.stderr).toBe('');
      expect(submit.code).toBe(0);
      expect(submit.stdout).toMatch(/state: +in_progress/);
      expect(submit.stdout).toMatch(/requests: +3/);
      expect(server.stats().byEndpoint['POST /v1/batches']).toBe(1);

      const again = await runCli(['batch', 'submit', input, '--workspace', 'nightly'], { env: test.env });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already submitted/);

      const status = await runCli(['batch', 'status', 'nightly', '--json'], { env: test.env });
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout).jobs).toHaveLength(1);

      const list = await runCli(['batch', 'list'], { env: test.env });
      expect(list.stdout).toMatch(/^nightly\s+gpt-4o-mini\s+\S+\s+3/m);

      const output = join(test.root, 'answers.jsonl');
      const results = await runCli(
        ['batch', 'results', 'nightly', '--wait', '--poll', '100ms', '-o', output],
        { env: test.env },
      );
      expect(results.code).toBe(0);
      const lines = jsonLines(readFileSync(output, 'utf8'));
      expect(lines.map((line) => line.index)).toEqual([0, 1, 2]);
      expect(lines.every((line) => typeof line.result === 'string')).toBe(true);

      const before = server.stats().requests;
      const online = await runCli(['run', input, '-o', join(test.root, 'online.jsonl')], { env: test.env });
      expect(online.stderr).toMatch(/3 answered \(3 from the cache\)/);
      expect(server.stats().requests).toBe(before);
    } finally {
      await server.close();
    }
  });

  it('cancel stops a running workspace; unknown workspaces and missing files are errors', async () => {
    const server = await createMockServer({ batch: { stepMs: 5000 } });
    try {
      const test = createTestHome(server.url);
      const input = join(test.root, 'in.jsonl');
      writeFileSync(input, '"a"\n"b"\n');
      expect((await runCli(['batch', 'submit', input, '--workspace', 'slow'], { env: test.env })).code).toBe(
        0,
      );
      const cancel = await runCli(['batch', 'cancel', 'slow'], { env: test.env });
      expect(cancel.code).toBe(0);
      expect(server.stats().byEndpoint['POST /v1/batches/{id}/cancel']).toBe(1);
      const notDone = await runCli(['batch', 'results', 'nope'], { env: test.env });
      expect(notDone.code).toBe(1);
      expect(notDone.stderr).toMatch(/no batch workspace "nope"/);
      const missing = await runCli(['batch', 'submit', join(test.root, 'missing.jsonl')], { env: test.env });
      expect(missing.code).toBe(2);
      const bad = join(test.root, 'bad.jsonl');
      writeFileSync(bad, '"ok"\n42\n');
      const invalid = await runCli(['batch', 'submit', bad, '--workspace', 'bad'], { env: test.env });
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toMatch(/bad\.jsonl:2/);
      expect(existsSync(join(test.home, 'batch', 'bad'))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('run --via batch resumes after SIGKILL without uploading again', async () => {
    const server = await createMockServer({ batch: { stepMs: 700 }, output: { meanTokens: 5 } });
    try {
      const test = createTestHome(server.url);
      const input = join(test.root, 'in.jsonl');
      writeFileSync(
        input,
        Array.from({ length: 6 }, (_, index) => JSON.stringify(`via batch ${index}`)).join('\n'),
      );
      const output = join(test.root, 'out.jsonl');
      const args = [cliPath, 'run', input, '-o', output, '--via', 'batch', '--poll', '100ms'];
      const child = spawn(process.execPath, args, { env: cleanEnv(test.env), stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      while ((server.stats().byEndpoint['POST /v1/batches'] ?? 0) === 0)
        await new Promise((resolve) => setTimeout(resolve, 30));
      child.kill('SIGKILL');
      await exited;
      expect(existsSync(`${output}.batch.json`)).toBe(true);
      const rerun = await runCli(args.slice(1), { env: test.env });
      expect(rerun.code).toBe(0);
      expect(server.stats().byEndpoint['POST /v1/batches']).toBe(1);
      expect(server.stats().byEndpoint['POST /v1/files']).toBe(1);
      const lines = jsonLines(readFileSync(output, 'utf8'));
      expect(lines.map((line) => line.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(existsSync(`${output}.batch.json`)).toBe(false);
      const noOutput = await runCli(['run', input, '--via', 'batch'], { env: test.env });
      expect(noOutput.code).toBe(2);
      expect(noOutput.stderr).toMatch(/--via batch needs -o/);
    } finally {
      await server.close();
    }
  });
});
