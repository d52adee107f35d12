import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildClientDist, clientDir, shellQuote } from './dist-build';
import { createDefaultProgress, createProgressBar, type ProgressStream } from './progress-bar';
import type { ProgressSnapshot } from './progress';

const run = promisify(execFile);
const fixture = join(clientDir, 'test', 'fixtures', 'progress-run.mjs');
/** `progress-bar.ts` compiled on its own, for the fixture while `dist/` does not export it yet. */
const ESC = '\u001b';

/** A stream that records what is written; `isTTY` as given (cli-progress draws only on a TTY). */
function capture(isTTY: boolean): ProgressStream & { text(): string } {
  const chunks: string[] = [];
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number; text(): string };
  stream.isTTY = isTTY;
  stream.columns = 200;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  stream.text = () => chunks.join('');
  return stream;
}

const snapshot = (done: number): ProgressSnapshot => ({
  done,
  total: 4,
  cacheHits: 1,
  errors: 0,
  tokens: 100 * done,
  costUsd: 0.001 * done,
  startedAt: 0,
});

describe('createProgressBar()', () => {
  it('draws done/total, hits, errors, tokens/s, cost and ETA in place, from the injected clock', async () => {
    let now = 0;
    const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
    const stream = capture(true);
    const bar = createProgressBar({ stream, clock, barSize: 10 });
    bar.start(snapshot(0), 'Drawing');
    now = 2000;
    bar.update(snapshot(1));
    now = 4000;
    bar.stop(snapshot(4));
    await new Promise((resolve) => setImmediate(resolve));
    const text = stream.text();
    expect(text).toContain('[----------] Drawing: 0/4 (0%) | hits 1 | errors 0 | 0 tok/s | $0.0000');
    expect(text).toContain('[==========] Drawing: 4/4 (100%) | hits 1 | errors 0 | 100 tok/s | $0.0040');
    expect(text).toContain(`${ESC}[`); // redrawn with cursor codes, not printed as new lines
  });

  it('leaves the bar out when the total is unknown', async () => {
    const stream = capture(true);
    const bar = createProgressBar({ stream });
    bar.start({ ...snapshot(0), total: undefined }, 'Endless');
    bar.stop({ ...snapshot(3), total: undefined });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.text()).toContain('Endless: 3 | hits 1');
    expect(stream.text()).not.toMatch(/\[[=-]+\]/);
  });
});

describe('createDefaultProgress()', () => {
  it('prints plain lines when the stream is not a TTY', () => {
    const stream = capture(false);
    const clock = { now: () => 1000, setTimeout: () => 0, clearTimeout: () => {} };
    const progress = createDefaultProgress({ stream, clock, intervalMs: 0 });
    progress.start(snapshot(0), 'Piped');
    progress.update(snapshot(2));
    progress.stop(snapshot(4));
    expect(stream.text()).toBe(
      'Piped: 2/4 (50%) | hits 1 | errors 0 | 200 tok/s | $0.0020 | ETA 1s\n' +
        'Piped: 4/4 (100%) | hits 1 | errors 0 | 400 tok/s | $0.0040\n',
    );
  });
});

describe('batchComplete progress in a real process (built client)', () => {
  beforeAll(() => {
    buildClientDist();
  }, 300_000); // turbo rebuilds what changed; minutes on a loaded 2-core host

  it('redraws a bar in a pseudo-terminal', async () => {
    const command = [process.execPath, fixture].map(shellQuote).join(' ');
    const { stdout } = await run('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: clientDir });
    expect(stdout).toContain('RESULTS 60/60');
    const frames = stdout.split('Bar test:').length - 1;
    expect(frames).toBeGreaterThanOrEqual(2); // the first frame and the last, at least
    expect(stdout).toMatch(new RegExp(`${ESC}\\[\\d*G`)); // cursor back to column 1 before each redraw
    expect(stdout).toMatch(
      /\[=+\] Bar test: 60\/60 \(100%\) \| hits 0 \| errors 0 \| \d+ tok\/s \| \$0\.\d{4}/,
    );
  }, 60_000);

  it('prints plain status lines when stderr is piped', async () => {
    const { stdout, stderr } = await run(process.execPath, [fixture], { cwd: clientDir });
    expect(stdout).toBe('RESULTS 60/60\n');
    expect(stderr).not.toContain(ESC);
    expect(stderr).not.toContain('\r');
    const lines = stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line).toMatch(/^Bar test: \d+\/60 \(\d+%\) \| hits 0 \| errors 0 \| \d+ tok\/s \| \$\d+\.\d{4}/);
    }
    expect(lines.at(-1)).toMatch(/^Bar test: 60\/60 \(100%\)/);
  }, 60_000);
});
