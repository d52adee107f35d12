import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, runCli } from './test-support';

describe('maxllm demo', () => {
  it('runs with no API key and no config file, writing only into its home', async () => {
    const root = mkdtempSync(join(tmpdir(), 'maxllm-demo-test-'));
    const home = join(root, 'home');
    const cwd = join(root, 'cwd');
    mkdirSync(cwd);
    const result = await runCli(['--home', home, 'demo', '-n', '60', '--latency', '5'], {
      cwd,
      env: { HOME: join(root, 'user-home') },
      timeoutMs: 60_000,
    });
    expect(result.stderr).not.toMatch(/maxllm: (error|warning)/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/round 1: API: 60 calls .* 0 from the cache, 0 errors/);
    expect(result.stdout).toMatch(/round 2: cache: 60 calls .* 60 from the cache, 0 errors, \$0 spent/);
    expect(result.stdout).toMatch(/round 3: Responses API: 60 calls .* 0 from the cache, 0 errors/);
    expect(result.stdout).toMatch(/round 3 went to \/v1\/responses \(60 requests\)/);
    expect(result.stdout).toMatch(/mock server saw 120 requests and sent 0 429s/);
    expect(result.stdout).toContain(`ledger: ${join(home, 'logs', 'openai_calls.csv')}`);
    expect(existsSync(join(home, 'logs', 'openai_calls.csv'))).toBe(true);
    // Nothing in the working directory or the user's home.
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(join(root, 'user-home'))).toBe(false);
    // Piped: plain progress lines, no carriage-return redraws.
    expect(result.stderr).not.toContain('\r');
    expect(result.stderr).toMatch(/round 1: API: 60\/60 \(100%\)/);

    const usage = await runCli(['--home', home, 'usage', '--json'], {
      env: { HOME: join(root, 'user-home') },
    });
    expect(JSON.parse(usage.stdout).total.calls).toBe(180);
  });

  it('without --home it uses a fresh temp home, says where, and removes it at exit', async () => {
    const result = await runCli(['demo', '-n', '5', '--latency', '0']);
    expect(result.code).toBe(0);
    const home = /^home: +(\S+) \(temporary: removed at exit; --keep keeps it\)$/m.exec(result.stdout)?.[1];
    expect(home).toMatch(/maxllm-demo-/);
    expect(result.stdout).toContain(`removed ${home}`);
    expect(existsSync(home!)).toBe(false);
    // The next steps do not point at the removed home.
    expect(result.stdout).not.toContain(`--home ${home}`);
    expect(result.stdout).toMatch(/^ {2}npx maxllm demo --keep /m);
  });

  it('with --keep the temp home stays, and the next steps use it', async () => {
    const result = await runCli(['demo', '-n', '5', '--latency', '0', '--keep']);
    expect(result.code).toBe(0);
    const home = /^home: +(\S+)$/m.exec(result.stdout)?.[1];
    expect(home).toMatch(/maxllm-demo-/);
    expect(existsSync(join(home!, 'logs', 'openai_calls.csv'))).toBe(true);
    expect(result.stdout).not.toContain('removed');
    expect(result.stdout).toMatch(new RegExp(`^ {2}npx maxllm --home ${home} usage `, 'm'));
    rmSync(home!, { recursive: true, force: true });
  });
});

describe('maxllm mock', () => {
  it('serves the OpenAI API with its limits until SIGTERM', async () => {
    const child = spawn(process.execPath, [cliPath, 'mock', '--rpm', '2', '--latency', '0'], {
      env: cleanEnv(),
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`mock exited with ${code}: ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const ask = () =>
      fetch(`${url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-any' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await ask()).status);
    expect(statuses).toEqual([200, 200, 429]);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/stopped after 3 requests \(1 answered 429\)/);
  });

  it('rejects bad option values with exit code 2', async () => {
    const result = await runCli(['mock', '--error-rate', '1.5']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--error-rate must be between 0 and 1/);
    const port = await runCli(['mock', '--port', 'http']);
    expect(port.code).toBe(2);
  });
});
