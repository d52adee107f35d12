import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMockServer } from '@maxllm/mock-server';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(packageDir, '../..');
const singleFile = join(packageDir, 'dist/maxllm.single.js');

beforeAll(() => {
  // The single file is a build output: build it when missing (the root `npm test` builds first).
  if (!existsSync(singleFile)) {
    try {
      execFileSync('pnpm', ['--filter', 'maxllm', 'build'], {
        cwd: repoRoot,
        stdio: 'pipe',
        timeout: 240_000,
      });
    } catch (error) {
      throw new Error(
        `building maxllm failed: run pnpm build first\n${String((error as { stdout?: unknown }).stdout)}`,
      );
    }
  }
}, 300_000);

function runNode(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('dist/maxllm.single.js', () => {
  it('is one ESM file whose only package imports are openai (and the optional ioredis)', () => {
    const text = readFileSync(singleFile, 'utf8');
    const specifiers = new Set(
      [
        ...text.matchAll(/^\s*import\s[^'"]*?from\s*["']([^"']+)["']/gm),
        ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
      ].map((match) => match[1]!),
    );
    const external = [...specifiers].filter((specifier) => !isBuiltin(specifier));
    expect(external.filter((specifier) => !/^(openai|ioredis)(\/|$)/.test(specifier))).toEqual([]);
    expect(external).toContain('openai');
    expect(statSync(singleFile).size).toBeGreaterThan(100_000);
  });

  // A child process loads the 7 MB file: seconds on a busy machine, beyond the default 5 s.
  it('works when copied into a project that only has openai installed', { timeout: 60_000 }, async () => {
    const server = await createMockServer({});
    try {
      const project = mkdtempSync(join(tmpdir(), 'maxllm-single-'));
      mkdirSync(join(project, 'node_modules'));
      symlinkSync(join(repoRoot, 'node_modules/openai'), join(project, 'node_modules/openai'), 'dir');
      copyFileSync(singleFile, join(project, 'maxllm.js'));
      writeFileSync(
        join(project, 'main.mjs'),
        `import { complete, getCallStatus, closeDefaultClient } from './maxllm.js';
const first = await complete({ model: 'gpt-4o-mini', prompt: 'Say hello!' });
const again = await complete({ model: 'gpt-4o-mini', prompt: 'Say hello!' });
const status = getCallStatus()['gpt-4o-mini'];
await closeDefaultClient();
console.log(JSON.stringify({ first, same: first === again, calls: status.totalCalls, hits: status.cacheHits }));
`,
      );
      const result = await runNode('main.mjs', project, {
        OPENAI_API_BASE: server.url,
        OPENAI_API_KEY: 'sk-single-file-test-key',
        MAXLLM_HOME: join(project, 'home'),
        HOME: join(project, 'user'),
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout) as {
        first: string;
        same: boolean;
        calls: number;
        hits: number;
      };
      expect(typeof output.first).toBe('string');
      expect(output.first.length).toBeGreaterThan(0);
      expect(output).toMatchObject({ same: true, calls: 2, hits: 1 });
      expect(server.stats().requests).toBe(1);
      expect(existsSync(join(project, 'home', 'logs', 'openai_calls.csv'))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
