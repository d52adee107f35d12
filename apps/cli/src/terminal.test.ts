import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer } from '@maxllm/mock-server';
import { describe, expect, it } from 'vitest';
import { createStatusLine } from './status-line';
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

const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
const ESC = String.fromCharCode(27);

interface Terminal {
  /** Everything the pseudo-terminal showed. */
  text(): string;
  /** Types on the keyboard. */
  type(keys: string): void;
  /** Resolves with the exit code of `script` (that of the shell command). */
  exited: Promise<number | null>;
}

/** Runs a shell command on a pseudo-terminal (the mock server runs in this process, so this stays asynchronous). */
function onTerminal(command: string, env: Record<string, string>): Terminal {
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
    env: cleanEnv(env),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return {
    text: () => text,
    type: (keys) => void child.stdin.write(keys),
    exited: new Promise((resolve) => child.once('close', (code) => resolve(code))),
  };
}

/** What a terminal line finally shows: the text after the last carriage return / erase. */
function visibleLines(text: string): string[] {
  // A terminal ends lines with \r\n.
  return text
    .split('\n')
    .map((line) => (line.replace(/\r$/, '').split('\r').at(-1) ?? '').replace(`${ESC}[2K`, ''));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('status line', () => {
  it('prints lines above the status line and cuts the status line to the terminal width', () => {
    let written = '';
    const stream = { isTTY: true, columns: 30, write: (chunk: string) => ((written += chunk), true) };
    const status = createStatusLine(stream);
    status.show(`progress ${'x'.repeat(100)}`);
    status.print('maxllm: warning: something happened');
    status.show('progress 2');
    status.end();
    expect(visibleLines(written)).toEqual(['maxllm: warning: something happened', 'progress 2', '']);
    expect(written).not.toMatch(/x{30}/);
  });
});

describe.skipIf(!hasScript())('maxllm run on a terminal', () => {
  it('Ctrl-C mid-run: exits soon with an accurate summary, terminal restored; a re-run pays only for the rest', async () => {
    const server = await createMockServer({ output: { meanTokens: 5 }, latency: { meanMs: 100 } });
    try {
      const test = createTestHome(server.url);
      const input = join(test.root, 'in.jsonl');
      const total = 150;
      writeFileSync(
        input,
        Array.from({ length: total }, (_, index) => JSON.stringify(`tty ${index}`)).join('\n'),
      );
      const output = join(test.root, 'out.jsonl');
      const run = [process.execPath, cliPath, 'run', input, '-o', output, '--concurrency', '2']
        .map(shellQuote)
        .join(' ');
      // The shell survives the Ctrl-C (a trap) and prints the terminal settings before and after the run.
      const terminal = onTerminal(`trap 'true' INT; stty -g; ${run}; echo "exit=$?"; stty -g`, test.env);
      const written = (): number => {
        try {
          return readFileSync(output, 'utf8').split('\n').filter(Boolean).length;
        } catch {
          return 0;
        }
      };
      while (written() < 6) await sleep(50);
      // The next two requests (both lanes) never answer: only the abort after Ctrl-C can end them.
      server.enqueueFaults([{ fault: 'timeout' }, { fault: 'timeout' }]);
      await sleep(400);
      const pressed = Date.now();
      terminal.type('\u0003');
      const exited = await Promise.race([terminal.exited.then(() => true), sleep(20_000).then(() => false)]);
      // Loose on purpose (a busy machine): without the abort the hung requests would hold it for 10 minutes.
      expect(exited).toBe(true);
      console.info(`run exited ${Date.now() - pressed} ms after Ctrl-C`);
      const shown = terminal.text();
      expect(shown).toMatch(/exit=130/);
      const lines = visibleLines(shown);
      const summary = lines.find((line) => line.startsWith('run: '));
      const match =
        /^run: (\d+) lines: (\d+) answered \(\d+ from the cache\), (\d+) already done, (\d+) failed, (\d+) not sent/.exec(
          summary ?? '',
        );
      expect(match, shown).not.toBeNull();
      const [, lineCount, answered, already, failed, notSent] = match!.map(Number);
      expect(lineCount).toBe(total);
      expect(answered! + already! + failed! + notSent!).toBe(total);
      const results = readFileSync(output, 'utf8').split('\n').filter(Boolean);
      expect(answered).toBe(results.length);
      expect(failed).toBe(0);
      expect(notSent).toBeGreaterThan(0);
      // Terminal restored: same settings after as before, the cursor never left hidden, nothing after the summary
      // moves the cursor back over it.
      const settings = lines.filter((line) => /^[0-9a-f]+(:[0-9a-f]+)+$/.test(line));
      expect(settings).toHaveLength(2);
      expect(settings[1]).toBe(settings[0]);
      expect(shown.split(`${ESC}[?25l`).length).toBe(shown.split(`${ESC}[?25h`).length);
      const afterSummary = shown.slice(shown.indexOf('run: '));
      expect(afterSummary).not.toMatch(new RegExp(`${ESC}(7|8|\\[s|\\[u|\\[\\d*A)`));

      const before = server.stats().requests;
      const rerun = await runCli(['run', input, '-o', output, '--concurrency', '8'], { env: test.env });
      expect(rerun.code).toBe(0);
      expect(server.stats().requests - before).toBe(total - answered!);
      expect(rerun.stderr).toContain(`${answered} already done`);
    } finally {
      await server.close();
    }
  });

  it('warnings print above the progress bar, and a flood collapses to a few lines and one count', async () => {
    const server = await createMockServer({
      output: { meanTokens: 5 },
      faults: { errorRate: 1, statuses: [500] },
    });
    try {
      const test = createTestHome(server.url);
      const input = join(test.root, 'in.jsonl');
      writeFileSync(
        input,
        Array.from({ length: 20 }, (_, index) => JSON.stringify(`flood ${index}`)).join('\n'),
      );
      const run = [process.execPath, cliPath, 'run', input, '--concurrency', '20'].map(shellQuote).join(' ');
      const terminal = onTerminal(`${run} > /dev/null`, test.env);
      expect(await terminal.exited).toBe(1);
      const lines = visibleLines(terminal.text());
      const warnings = lines.filter((line) => line.includes('maxllm: warning:'));
      // 20 lines × 2 retries: the same warning (numbers aside) 40 times.
      expect(warnings.filter((line) => /retry \d\/2/.test(line) && !line.includes('more like'))).toHaveLength(
        3,
      );
      expect(warnings.some((line) => /37 more like: .*retry/.test(line))).toBe(true);
      // Each warning is a whole terminal line of its own: never glued to the bar.
      for (const warning of warnings) expect(warning).toMatch(/^maxllm: warning: /);
    } finally {
      await server.close();
    }
  });
});
