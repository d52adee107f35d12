import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchStoppedError, CompletionError } from './errors';
import { createLineProgress, formatProgress, type ProgressReporter, type ProgressSnapshot } from './progress';
import { startHarness, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

const model = 'gpt-4o-mini';

function recordingProgress(): ProgressReporter & { events: string[]; last?: ProgressSnapshot } {
  const reporter: ProgressReporter & { events: string[]; last?: ProgressSnapshot } = {
    events: [],
    start: (snapshot, description) => reporter.events.push(`start ${snapshot.total} ${description}`),
    update: (snapshot) => {
      reporter.events.push('update');
      reporter.last = { ...snapshot };
    },
    stop: (snapshot) => {
      reporter.events.push(`stop ${snapshot.done}`);
      reporter.last = { ...snapshot };
    },
  };
  return reporter;
}

describe('batchComplete()', () => {
  it('returns results in input order, mixing prompts and requests, and reports progress', async () => {
    harness = await startHarness({ mock: { latency: { meanMs: 10, jitterMs: 10 } } });
    const prompts = Array.from({ length: 30 }, (_, index) => `item ${index}`);
    const progress = recordingProgress();
    const seen: number[] = [];
    const items = prompts.map((prompt, index) => (index % 2 ? { prompt, temperature: 0 } : prompt));
    const results = await harness.client.batchComplete(items, {
      model,
      concurrency: 5,
      desc: 'Testing',
      progress,
      onResult: (_result, index) => seen.push(index),
    });
    expect(results).toHaveLength(30);
    for (const [index, item] of items.entries()) {
      const request = typeof item === 'string' ? { model, prompt: item } : { model, ...item };
      expect(await harness.client.complete(request)).toBe(results[index]);
    }
    expect(harness.requests()).toBe(30); // the checks above were all cache hits
    expect(seen.sort((a, b) => a - b)).toEqual(prompts.map((_, index) => index));
    expect(progress.events[0]).toBe('start 30 Testing');
    expect(progress.events.filter((event) => event === 'update')).toHaveLength(30);
    expect(progress.events.at(-1)).toBe('stop 30');
    expect(progress.last?.tokens).toBeGreaterThan(0);
  });

  it('puts the placeholder (or the error) in a failed item’s slot and goes on', async () => {
    harness = await startHarness();
    const items = ['fine 1', { prompt: 'broken', n: 0 }, 'fine 2'];
    const results = await harness.client.batchComplete(items, {
      model,
      placeholder: 'FAILED',
      progress: false,
    });
    expect(results[1]).toBe('FAILED');
    expect(typeof results[0]).toBe('string');
    expect(results[0]).not.toBe('FAILED');
    const withErrors = await harness.client.batchComplete(items, {
      model,
      returnErrors: true,
      progress: false,
    });
    expect(withErrors[1]).toBeInstanceOf(CompletionError);
    expect(withErrors[2]).toBe(results[2]);
  });

  it('pulls lazily from an async iterable: never more than `concurrency` items ahead', async () => {
    harness = await startHarness();
    let pulled = 0;
    let finished = 0;
    let maxAhead = 0;
    async function* source() {
      for (let index = 0; index < 40; index++) {
        await Promise.resolve();
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - finished);
        yield `lazy ${index}`;
      }
    }
    const results = await harness.client.batchComplete(source(), {
      model,
      concurrency: 3,
      progress: false,
      onResult: () => finished++,
    });
    expect(results).toHaveLength(40);
    expect(maxAhead).toBeLessThanOrEqual(3);
  });

  it('stops everything on insufficient_quota and keeps what finished', async () => {
    harness = await startHarness();
    const done = await harness.client.batchComplete(['kept 0', 'kept 1'], { model, progress: false });
    harness.server.enqueueFaults([{ fault: 'insufficient_quota' }]);
    const prompts = ['kept 0', 'kept 1', ...Array.from({ length: 30 }, (_, index) => `more ${index}`)];
    const error = await harness.client
      .batchComplete(prompts, { model, concurrency: 1, progress: false })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BatchStoppedError);
    const stopped = error as BatchStoppedError;
    expect(stopped.results.slice(0, 2)).toEqual(done); // cache hits finished before the quota error
    expect(stopped.results[2]).toBeNull();
    expect(stopped.finished).toBe(2);
    expect(harness.requests()).toBe(3); // two earlier misses + the refused one; nothing after it
    // One slot per item, as documented: the items never started hold the placeholder too.
    expect(stopped.results).toHaveLength(prompts.length);
    expect(stopped.results.slice(2).every((result) => result === null)).toBe(true);
  });

  it('hands a result to onResult only once its ledger row is on disk (paid calls and cache hits)', async () => {
    harness = await startHarness({ mock: { latency: { meanMs: 5, jitterMs: 5 } } });
    const ledger = harness.client.config.paths.ledger;
    /** Rows on disk whose prompt preview names the item. */
    const rowsOnDisk = (prompt: string): number =>
      existsSync(ledger) ? readFileSync(ledger, 'utf8').split(`,${prompt},`).length - 1 : 0;
    const prompts = Array.from({ length: 12 }, (_, index) => `durable ${index}`);
    const missing: string[] = [];
    const onResult = (_result: unknown, index: number): void => {
      if (rowsOnDisk(prompts[index]!) === 0) missing.push(prompts[index]!);
    };
    await harness.client.batchComplete(prompts, { model, concurrency: 4, progress: false, onResult });
    // Again: every item a cache hit, whose row is on disk before its result too.
    const hits = harness.newClient();
    await hits.batchComplete(prompts, { model, concurrency: 4, progress: false, onResult });
    expect(missing).toEqual([]);
    for (const prompt of prompts) expect(rowsOnDisk(prompt)).toBe(2);
  });
});

describe('progress lines', () => {
  it('formats done/total, hits, errors, tokens/s, cost and ETA', () => {
    const snapshot = {
      done: 25,
      total: 100,
      cacheHits: 5,
      errors: 1,
      tokens: 5000,
      costUsd: 0.01234,
      startedAt: 0,
    };
    expect(formatProgress(snapshot, 'Run', 10_000)).toBe(
      'Run: 25/100 (25%) | hits 5 | errors 1 | 500 tok/s | $0.0123 | ETA 30s',
    );
  });

  it('writes at most one line per interval and one at the end', () => {
    let now = 0;
    const lines: string[] = [];
    const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
    const reporter = createLineProgress({ clock, intervalMs: 1000, write: (line) => lines.push(line) });
    const snapshot = { done: 0, total: 3, cacheHits: 0, errors: 0, tokens: 0, costUsd: 0, startedAt: 0 };
    reporter.start(snapshot, 'Lines');
    now = 500;
    reporter.update({ ...snapshot, done: 1 });
    now = 1500;
    reporter.update({ ...snapshot, done: 2 });
    reporter.stop({ ...snapshot, done: 3 });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('Lines: 2/3');
    expect(lines[1]).toContain('Lines: 3/3');
  });
});
