import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer } from '@maxllm/mock-server';
import { describe, expect, it } from 'vitest';
import { createTestHome } from './test-env';
import { cleanEnv, cliPath, runCli } from './test-support';

/** `script` (util-linux) runs a command on a pseudo-terminal; skip where it is missing. */
function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The ESC character that starts ANSI sequences. */
const escape = String.fromCharCode(27);

const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

describe.skipIf(!hasScript())('progress display', () => {
  it('redraws a bar in place on a terminal, and prints plain lines when piped', async () => {
    const server = await createMockServer({ output: { meanTokens: 5 }, latency: { meanMs: 15 } });
    try {
      const test = createTestHome(server.url);
      const input = join(test.root, 'in.jsonl');
      writeFileSync(
        input,
        Array.from({ length: 80 }, (_, index) => JSON.stringify(`tty ${index}`)).join('\n'),
      );
      const output = join(test.root, 'out.jsonl');
      const command = [process.execPath, cliPath, 'run', input, '-o', output, '--concurrency', '2']
        .map(shellQuote)
        .join(' ');
      // Asynchronous: the mock server runs in this process and must keep answering.
      const terminal = await new Promise<string>((resolve, reject) => {
        const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
          env: cleanEnv(test.env),
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        let text = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        child.once('error', reject);
        child.once('close', (code) =>
          code === 0 ? resolve(text) : reject(new Error(`script exited ${code}: ${text}`)),
        );
      });
      // Each redraw returns to the line start and clears it (a long path is shortened to fit the width).
      const redraws = terminal
        .split(new RegExp(`\r|${escape}\\[\\d*G`))
        .filter((part) => part.includes('in.jsonl: '));
      expect(redraws.length).toBeGreaterThan(1);
      expect(terminal).toMatch(/80\/80/);

      const piped = await runCli(['run', input, '-o', join(test.root, 'piped.jsonl'), '--concurrency', '2'], {
        env: test.env,
      });
      expect(piped.code).toBe(0);
      expect(piped.stderr).not.toMatch(new RegExp(`\r|${escape}\\[`));
      expect(piped.stderr).toMatch(
        new RegExp(`^run ${input.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 80/80 \\(100%\\)`, 'm'),
      );
    } finally {
      await server.close();
    }
  });

  it('chat without a prompt on a terminal holds a conversation until /exit', async () => {
    const server = await createMockServer({ output: { meanTokens: 6 } });
    try {
      const test = createTestHome(server.url);
      const command = [process.execPath, cliPath, 'chat', '-m', 'gpt-4o-mini'].map(shellQuote).join(' ');
      const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
        env: cleanEnv(test.env),
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      let text = '';
      const waitFor = async (pattern: RegExp): Promise<void> => {
        while (!pattern.test(text)) await new Promise((resolve) => setTimeout(resolve, 20));
      };
      // The "> " prompt is drawn again (after ANSI cursor moves) once an answer is printed.
      const prompts = (count: number): RegExp => new RegExp(`(> [\\s\\S]*){${count}}`);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
      await waitFor(/chatting with gpt-4o-mini/);
      await waitFor(prompts(1));
      child.stdin.write('first question\r');
      await waitFor(prompts(2));
      const firstPromptTokens = server.stats().byModel['gpt-4o-mini']?.promptTokens ?? 0;
      child.stdin.write('second question\r');
      await waitFor(prompts(3));
      child.stdin.write('/exit\r');
      expect(await closed).toBe(0);
      // Two calls, and the second one carried the first exchange as history.
      const stats = server.stats().byModel['gpt-4o-mini'];
      expect(stats?.requests).toBe(2);
      expect(firstPromptTokens).toBeGreaterThan(0);
      // The second request held the first question, its answer and the second question.
      expect(stats!.promptTokens - firstPromptTokens).toBeGreaterThan(firstPromptTokens);
    } finally {
      await server.close();
    }
  });
});
