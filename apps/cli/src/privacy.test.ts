import { spawn } from 'node:child_process';
import { lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHome, testApiKey } from './test-env';
import { cleanEnv, cliPath, runCli, type CliResult } from './test-support';

// Issue 17 item 10: URL credentials were printed in clear; cache, ledger and batch files were 644 in 755 folders.
let server: MockServer;
beforeAll(async () => {
  server = await createMockServer({ apiKey: testApiKey, output: { meanTokens: 5 }, batch: { stepMs: 20 } });
});
afterAll(() => server.close());

/** Runs the CLI under `umask` (the child's own, whatever the test runner's is). */
function runWithUmask(umask: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      '/bin/sh',
      ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, cliPath, ...args],
      {
        env: cleanEnv(env),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `path mode` of every file and folder under `root` (the root included), folders with a `/`: `cache/ 700`. */
function modes(root: string, relative = ''): string[] {
  const path = join(root, relative);
  const mode = (lstatSync(path).mode & 0o777).toString(8);
  if (!lstatSync(path).isDirectory()) return [`${relative} ${mode}`];
  return [
    `${relative}/ ${mode}`,
    ...readdirSync(path).flatMap((name) => modes(root, relative ? join(relative, name) : name)),
  ];
}

describe('privacy', () => {
  it.each(['022', '002'])(
    'with umask %s every file under MAXLLM_HOME is 600 and every folder 700 (cache, ledger, batch workspace)',
    async (umask) => {
      const test = createTestHome(server.url);
      const home = join(test.root, 'created-by-maxllm'); // MaxLLM creates the home itself
      const env = { ...test.env, MAXLLM_HOME: home };
      const input = join(test.root, 'in.jsonl');
      writeFileSync(input, ['"first"', '"second"', '"third"'].join('\n'));
      const online = await runWithUmask(umask, ['run', input, '-o', join(test.root, 'online.jsonl')], env);
      expect(online.code, online.stderr).toBe(0);
      const viaBatch = await runWithUmask(
        umask,
        [
          'run',
          input,
          '-o',
          join(test.root, 'batch.jsonl'),
          '--via',
          'batch',
          '--no-cache',
          '--poll',
          '50ms',
        ],
        env,
      );
      expect(viaBatch.code, viaBatch.stderr).toBe(0);
      const found = modes(home);
      expect(found.some((line) => line.startsWith('cache/'))).toBe(true);
      expect(found.some((line) => line.startsWith('logs/openai_calls.csv'))).toBe(true);
      expect(found.some((line) => line.startsWith('batch/'))).toBe(true);
      const open = found.filter(
        (line) => !(line.includes('/ ') ? line.endsWith('/ 700') : line.endsWith(' 600')),
      );
      expect(open).toEqual([]);
    },
    120_000,
  );

  it.each([
    ['a basic-auth password', (base: string) => base.replace('http://', 'http://maxllm:hunter2-pass@')],
    ['an ?api-key= query value', (base: string) => `${base}?api-version=1&api-key=hunter2-key`],
    ['a key= query value', (base: string) => `${base}?key=hunter2-key`],
  ])('config show, config check and maxllm test never print %s of api_base', async (_name, withSecret) => {
    const test = createTestHome(withSecret(server.url));
    const runs = [
      await runCli(['config', 'show'], { env: test.env }),
      await runCli(['config', 'show', '--json'], { env: test.env }),
      await runCli(['--verbose', 'config', 'check'], { env: test.env }),
      await runCli(['--verbose', 'test', 'gpt-4o-mini'], { env: test.env }),
    ];
    const printed = runs.map((run) => run.stdout + run.stderr).join('\n');
    expect(runs[0]?.stdout).toMatch(/127\.0\.0\.1/); // the URL is shown, only its credentials are hidden
    expect(printed).not.toContain('hunter2');
    expect(printed).not.toContain(testApiKey);
  });
});
