import { describe, expect, it } from 'vitest';
import { createTerminalProgress, STUCK_AFTER_MS } from './progress';
import { createStatusLine } from './status-line';

const snapshot = () => ({
  done: 3,
  total: 10,
  cacheHits: 0,
  errors: 0,
  tokens: 0,
  costUsd: 0,
  startedAt: Date.now(),
});

describe('progress line', () => {
  it('shows the age of the oldest request in flight once it passes the threshold', () => {
    const lines: string[] = [];
    let oldest: number | undefined = Date.now() - 5_000;
    const progress = createTerminalProgress({
      plain: true,
      write: (line) => lines.push(line),
      oldestInFlight: () => oldest,
    });
    progress.start(snapshot(), 'run in.jsonl');
    progress.stop(snapshot());
    expect(lines.at(-1)).not.toMatch(/oldest in flight/);
    oldest = Date.now() - STUCK_AFTER_MS - 15_000;
    progress.start(snapshot(), 'run in.jsonl');
    progress.stop(snapshot());
    expect(lines.at(-1)).toMatch(/\| oldest in flight 45s\n$/);
  });

  it('on a terminal keeps the counters and the stuck age visible: a long description is shortened first', () => {
    let written = '';
    const status = createStatusLine({
      isTTY: true,
      columns: 100,
      write: (chunk: string) => ((written += chunk), true),
    });
    const progress = createTerminalProgress({
      status,
      oldestInFlight: () => Date.now() - 95_000,
    });
    progress.start(snapshot(), `run /a/very/long/path/${'x'.repeat(120)}/in.jsonl`);
    progress.stop(snapshot());
    const shown = written.split('\r').at(-1) ?? '';
    expect(shown).toMatch(/…x+\/in\.jsonl: 3\/10 \(30%\) .* \| oldest in flight 95s\n$/);
  });
});
