import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHome, testApiKey, type TestHome } from './test-env';
import { cleanEnv, cliPath, runCli } from './test-support';

let server: MockServer;

beforeAll(async () => {
  server = await createMockServer({ output: { meanTokens: 10 }, latency: { meanMs: 20 } });
});
afterAll(() => server.close());

interface OutputLine {
  index: number;
  id?: unknown;
  result?: unknown;
  error?: { name: string; message: string };
}

function outputLines(path: string): OutputLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line): OutputLine[] => {
      try {
        return [JSON.parse(line) as OutputLine];
      } catch {
        return [];
      }
    });
}

function promptsFile(test: TestHome, count: number, prefix: string): string {
  const path = join(test.root, `${prefix}.jsonl`);
  writeFileSync(
    path,
    Array.from({ length: count }, (_, index) => JSON.stringify(`${prefix} prompt ${index}`)).join('\n') +
      '\n',
  );
  return path;
}

describe('maxllm run', () => {
  it('reads strings and request objects; writes one line per input with index and id', async () => {
    const test = createTestHome(server.url);
    const input = join(test.root, 'in.jsonl');
    writeFileSync(
      input,
      [
        '"a prompt string"',
        '',
        '{"id": "obj-1", "prompt": "a request object", "temperature": 0, "max_tokens": 5}',
        '"another prompt"',
        '{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]}',
        '{"prompt": "json please", "jsonMode": true}',
      ].join('\n'),
    );
    const output = join(test.root, 'out.jsonl');
    const result = await runCli(['run', input, '-o', output], { env: test.env });
    expect(result.stderr).toMatch(/run: 5 lines: 5 answered \(0 from the cache\), 0 already done, 0 failed/);
    expect(result.code).toBe(0);
    const lines = outputLines(output).sort((a, b) => a.index - b.index);
    expect(lines.map((line) => line.index)).toEqual([0, 2, 3, 4, 5]);
    expect(lines.every((line) => typeof line.result === 'string' && line.result.length > 0)).toBe(true);
    expect(lines[1]?.id).toBe('obj-1');
    expect(typeof JSON.parse(lines[4]!.result as string)).toBe('object');
    expect(readFileSync(output, 'utf8')).not.toContain(testApiKey);
  });

  it('a plain-text file: every line is a prompt as it stands', async () => {
    const test = createTestHome(server.url);
    const input = join(test.root, 'in.txt');
    writeFileSync(input, 'first question: why?\nsecond question, with "quotes" inside\n');
    const result = await runCli(['run', input], { env: test.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/run: 2 lines: 2 answered/);
  });

  it('a byte order mark is dropped; a line that begins like JSON but is not is an InputError with file:line', async () => {
    const test = createTestHome(server.url);
    const input = join(test.root, 'bom.jsonl');
    writeFileSync(
      input,
      '\uFEFF{"prompt":"with a byte order mark","id":"first-id","model":"gpt-4.1-mini"}\n{"prompt": "broken\n"fine"\n',
    );
    const output = join(test.root, 'out.jsonl');
    const before = server.stats().byModel['gpt-4.1-mini']?.requests ?? 0;
    const result = await runCli(['run', input, '-o', output], { env: test.env });
    expect(result.code).toBe(1);
    const lines = outputLines(output).sort((a, b) => a.index - b.index);
    expect(lines[0]).toMatchObject({ index: 0, id: 'first-id' });
    expect(typeof lines[0]?.result).toBe('string');
    expect(server.stats().byModel['gpt-4.1-mini']?.requests).toBe(before + 1);
    expect(lines[1]?.error).toMatchObject({ name: 'InputError' });
    expect(lines[1]?.error?.message).toMatch(/bom\.jsonl:2: invalid JSON/);
    expect(typeof lines[2]?.result).toBe('string');
  });

  it('streams stdin to stdout', async () => {
    const test = createTestHome(server.url);
    const result = await runCli(['run', '-', '-m', 'gpt-4.1-mini'], {
      env: test.env,
      input: '"first"\n"second"\n"third"\n',
    });
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as OutputLine);
    expect(lines.map((line) => line.index).sort()).toEqual([0, 1, 2]);
    expect(result.stderr).toMatch(/run: 3 lines: 3 answered/);
  });

  it('a bad line becomes an error line, the others are answered, exit 1; a re-run retries only that line', async () => {
    const test = createTestHome(server.url);
    const input = join(test.root, 'in.jsonl');
    writeFileSync(input, '"ok one"\n[1, 2]\n{"temperature": 1}\n"ok two"\n');
    const output = join(test.root, 'out.jsonl');
    const first = await runCli(['run', input, '-o', output], { env: test.env });
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/2 line\(s\) failed/);
    const errors = outputLines(output).filter((line) => line.error);
    expect(errors.map((line) => line.index).sort()).toEqual([1, 2]);
    expect(errors[0]?.error?.message).toMatch(/in\.jsonl:\d: /);
    writeFileSync(input, '"ok one"\n"fixed"\n{"prompt": "fixed too"}\n"ok two"\n');
    const before = server.stats().requests;
    const second = await runCli(['run', input, '-o', output], { env: test.env });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/run: 4 lines: 2 answered .* 2 already done, 0 failed/);
    expect(server.stats().requests).toBe(before + 2);
  });

  it('resumes after SIGKILL: the re-run sends only the unfinished lines', async () => {
    const slow = await createMockServer({ output: { meanTokens: 5 }, latency: { meanMs: 60 } });
    try {
      const test = createTestHome(slow.url);
      const input = promptsFile(test, 120, 'resume');
      const output = join(test.root, 'out.jsonl');
      const child = spawn(
        process.execPath,
        [cliPath, 'run', input, '-o', output, '--concurrency', '4', '--no-cache'],
        {
          env: cleanEnv(test.env),
          stdio: 'ignore',
        },
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Kill it once some, but not all, lines are written.
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        let written = 0;
        try {
          written = outputLines(output).length;
        } catch {
          // not created yet
        }
        if (written >= 20) break;
      }
      child.kill('SIGKILL');
      await exited;
      const finished = new Set(
        outputLines(output)
          .filter((line) => line.error === undefined)
          .map((line) => line.index),
      );
      expect(finished.size).toBeGreaterThanOrEqual(20);
      expect(finished.size).toBeLessThan(120);
      const before = slow.stats().requests;
      const rerun = await runCli(['run', input, '-o', output, '--concurrency', '16', '--no-cache'], {
        env: test.env,
      });
      expect(rerun.code).toBe(0);
      // --no-cache: every request of the re-run is a real one, and there is exactly one per unfinished line.
      expect(slow.stats().requests - before).toBe(120 - finished.size);
      expect(rerun.stderr).toContain(`${finished.size} already done`);
      const all = outputLines(output).filter((line) => line.error === undefined);
      expect(new Set(all.map((line) => line.index)).size).toBe(120);
    } finally {
      await slow.close();
    }
  });

  it('Ctrl-C finishes the requests in flight, writes the summary and exits 130', async () => {
    const slow = await createMockServer({ output: { meanTokens: 5 }, latency: { meanMs: 150 } });
    try {
      const test = createTestHome(slow.url);
      const input = promptsFile(test, 60, 'interrupt');
      const output = join(test.root, 'out.jsonl');
      const child = spawn(process.execPath, [cliPath, 'run', input, '-o', output, '--concurrency', '2'], {
        env: cleanEnv(test.env),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        let written = 0;
        try {
          written = outputLines(output).length;
        } catch {
          // not created yet
        }
        if (written >= 4) break;
      }
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toMatch(/stopping: no new requests/);
      expect(stderr).toMatch(/^run: \d+ lines: \d+ answered/m);
      expect(stderr).toMatch(/interrupted: \d+ line\(s\) not sent; re-run the same command to continue/);
      // Every line that was started is complete (no torn line), and far from all were done.
      const text = readFileSync(output, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const done = outputLines(output);
      expect(done.length).toBe(text.trim().split('\n').length);
      expect(done.length).toBeLessThan(60);
    } finally {
      await slow.close();
    }
  });

  it('--restart starts over; bad arguments exit 2', async () => {
    const test = createTestHome(server.url);
    const input = promptsFile(test, 3, 'restart');
    const output = join(test.root, 'out.jsonl');
    await runCli(['run', input, '-o', output], { env: test.env });
    const again = await runCli(['run', input, '-o', output, '--restart'], { env: test.env });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/3 answered \(3 from the cache\), 0 already done/);
    expect(outputLines(output)).toHaveLength(3);
    const missing = await runCli(['run', join(test.root, 'nope.jsonl')], { env: test.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.jsonl does not exist/);
    const via = await runCli(['run', input, '--via', 'carrier-pigeon'], { env: test.env });
    expect(via.code).toBe(2);
    const concurrency = await runCli(['run', input, '--concurrency', '0'], { env: test.env });
    expect(concurrency.code).toBe(2);
    expect(concurrency.stderr).toMatch(/--concurrency expects a positive integer/);
    const same = await runCli(['run', input, '-o', input], { env: test.env });
    expect(same.code).toBe(2);
  });

  it('a --restart that stops before its first row: the re-run still gives each new answer its own row', async () => {
    const test = createTestHome(server.url);
    const input = promptsFile(test, 3, 'restart-stopped');
    const output = join(test.root, 'out.jsonl');
    expect((await runCli(['run', input, '-o', output], { env: test.env })).code).toBe(0);
    // The restart truncates the output, then stops before any call: its config knows no model.
    const noModels = join(test.root, 'no-models.yaml');
    writeFileSync(noModels, 'model_list: []\n');
    const stopped = await runCli(['run', input, '-o', output, '--restart', '-m', 'gpt-4o-mini'], {
      env: { ...test.env, MAXLLM_CONFIG_PATH: noModels },
    });
    expect(stopped.code).not.toBe(0);
    expect(readFileSync(output, 'utf8')).toBe('');
    const rerun = await runCli(['run', input, '-o', output], { env: test.env });
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/3 answered \(3 from the cache\), 0 already done/);
    // 3 paid rows of the first output, 3 cache-hit rows of the restarted one: the first output's rows do not
    // stand in for the new output's lines.
    const rows = readFileSync(join(test.home, 'logs', 'openai_calls.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(rows.filter((row) => row.includes(',restart-stopped prompt '))).toHaveLength(6);
    expect(new Set(rows.map((row) => row.slice(row.lastIndexOf(',') + 1))).size).toBe(6);
  });
});
