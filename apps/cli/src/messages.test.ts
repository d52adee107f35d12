import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer } from '@maxllm/mock-server';
import { describe, expect, it } from 'vitest';
import { createTestHome } from './test-env';
import { cleanEnv, cliPath, runCli } from './test-support';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('messages say what happened', () => {
  it('cache clear of a model with nothing cached says nothing was removed', async () => {
    const server = await createMockServer({ output: { meanTokens: 5 } });
    try {
      const test = createTestHome(server.url);
      expect((await runCli(['chat', 'fill the cache'], { env: test.env })).code).toBe(0);
      const clear = await runCli(['cache', 'clear', 'nonexistent-model', '--yes'], { env: test.env });
      expect(clear.code).toBe(0);
      expect(clear.stdout).toMatch(/no cached answers for nonexistent-model .*nothing removed/);
      expect(clear.stdout).not.toMatch(/^removed/m);
      const real = await runCli(['cache', 'clear', 'gpt-4o-mini', '--yes'], { env: test.env });
      expect(real.stdout).toMatch(/^removed the 1 cached answer\(s\) of gpt-4o-mini/m);
    } finally {
      await server.close();
    }
  });

  it('batch cancel of a finished workspace says there is nothing to cancel; a bad workspace name exits 2', async () => {
    const server = await createMockServer({ batch: { stepMs: 20 }, output: { meanTokens: 5 } });
    try {
      const test = createTestHome(server.url);
      const input = join(test.root, 'in.jsonl');
      writeFileSync(input, '"a"\n"b"\n');
      expect((await runCli(['batch', 'submit', input, '--workspace', 'done'], { env: test.env })).code).toBe(
        0,
      );
      const results = await runCli(['batch', 'results', 'done', '--wait', '--poll', '50ms'], {
        env: test.env,
      });
      expect(results.code).toBe(0);
      const cancel = await runCli(['batch', 'cancel', 'done'], { env: test.env });
      expect(cancel.code).toBe(0);
      expect(cancel.stdout).toMatch(/nothing to cancel: workspace done has ended \(state completed\)/);
      expect(server.stats().byEndpoint['POST /v1/batches/{id}/cancel']).toBeUndefined();
      const newline = await runCli(['batch', 'submit', input, '--workspace', 'night\nly'], { env: test.env });
      expect(newline.code).toBe(2);
      expect(newline.stderr).toMatch(/BatchWorkspaceError: .*control character/);
      const slash = await runCli(['batch', 'submit', input, '--workspace', 'a/b'], { env: test.env });
      expect(slash.code).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('Ctrl-C during run --via batch says the jobs keep running and how to resume', async () => {
    const server = await createMockServer({ batch: { stepMs: 60_000 }, output: { meanTokens: 5 } });
    try {
      const test = createTestHome(server.url);
      const input = join(test.root, 'in.jsonl');
      writeFileSync(input, '"a"\n"b"\n');
      const output = join(test.root, 'out.jsonl');
      const child = spawn(
        process.execPath,
        [cliPath, 'run', input, '-o', output, '--via', 'batch', '--poll', '100ms'],
        { env: cleanEnv(test.env), stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      while ((server.stats().byEndpoint['POST /v1/batches'] ?? 0) === 0) await sleep(30);
      await sleep(200);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).not.toMatch(/This operation was aborted/);
      expect(stderr).toMatch(/interrupted: the batch jobs keep running .*re-run the same command/);
    } finally {
      await server.close();
    }
  });
});

describe('maxllm mock options', () => {
  it('--api-key: the suggested command uses that key, never sk-mock; --port 99999 is a usage error', async () => {
    const child = spawn(process.execPath, [cliPath, 'mock', '--api-key', 'K', '--port', '0'], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    while (!stderr.includes('try:')) await sleep(30);
    child.kill('SIGINT');
    await exited;
    expect(stderr).not.toContain('sk-mock');
    expect(stderr).toMatch(/OPENAI_API_KEY=<the --api-key value>/);
    const port = await runCli(['mock', '--port', '99999']);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port expects a port number from 0 to 65535, got "99999"/);
    expect(port.stderr).not.toMatch(/RangeError/);
  });
});
