import { systemClock } from '@maxllm/core';
import { BatchItemError } from '@maxllm/batch';
import { createResponseCache } from '@maxllm/cache';
import { createLedger } from '@maxllm/ledger';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CompleteRequest } from '@maxllm/request';
import { runBatchComplete } from './batch-complete';
import { batchCompleteViaBatch, type BatchViaDependencies } from './batch-via';
import type { CompleteOutcome } from './outcome';
import { InvalidClientRequestError } from './errors';
import type { ProgressReporter, ProgressSnapshot } from './progress';
import { startHarness, TEST_API_KEY, type Harness } from './test-harness';

let harness: Harness;
let dependencies: BatchViaDependencies;
afterEach(async () => {
  await dependencies?.ledger.flush();
  await harness?.close();
});

const model = 'gpt-4o-mini';

/** A harness whose mock runs batch jobs fast, and the client's parts the Batch API path needs. */
async function start(): Promise<void> {
  harness = await startHarness({ mock: { batch: { stepMs: 5 } } });
  const config = harness.client.config;
  const logger = { debug() {}, info() {}, warn() {}, error: (line: string) => harness.logs.push(line) };
  dependencies = {
    config,
    cache: createResponseCache({ dir: config.paths.cache }),
    ledger: createLedger({ path: config.paths.ledger, logger }),
    createOpenAI: (resolved) =>
      new OpenAI({
        apiKey: resolved.apiKey ?? TEST_API_KEY,
        baseURL: resolved.apiBase ?? null,
        maxRetries: 0,
      }),
    clock: systemClock,
    logger,
  };
}

function recordingProgress(): ProgressReporter & {
  events: string[];
  updates: ProgressSnapshot[];
  last?: ProgressSnapshot;
} {
  const reporter: ProgressReporter & {
    events: string[];
    updates: ProgressSnapshot[];
    last?: ProgressSnapshot;
  } = {
    events: [],
    updates: [],
    start: (snapshot, description) => reporter.events.push(`start ${snapshot.total} ${description}`),
    update: (snapshot) => void reporter.updates.push({ ...snapshot }),
    stop: (snapshot) => {
      reporter.events.push(`stop ${snapshot.done}`);
      reporter.last = { ...snapshot };
    },
  };
  return reporter;
}

const onlineCalls = (): number => harness.server.stats().byEndpoint['POST /v1/chat/completions'] ?? 0;

describe('batchCompleteViaBatch()', () => {
  it('runs a list through the Batch API: results in input order, cached for complete(), counts shown', async () => {
    await start();
    const Answer = z.object({ answer: z.number(), steps: z.array(z.object({ text: z.string() })) });
    const items = [
      ...Array.from({ length: 12 }, (_, index) => `batch prompt ${index}`),
      { prompt: 'structured', jsonFormat: Answer },
      { prompt: 'with a system prompt', systemPrompt: 'Be brief.' },
    ];
    const progress = recordingProgress();
    const seen: number[] = [];
    const results = await batchCompleteViaBatch(dependencies, items, {
      model,
      temperature: 0,
      desc: 'Via batch',
      pollIntervalMs: 5,
      progress,
      onResult: (_value, index) => seen.push(index),
    });
    expect(results).toHaveLength(14);
    expect(harness.server.stats().batchLines).toBe(14);
    expect(onlineCalls()).toBe(0);
    expect(Answer.safeParse(results[12]).success).toBe(true);
    expect(seen).toEqual(items.map((_, index) => index));
    // Each answer is where complete() looks for it: the same request online is a cache hit, no HTTP request.
    const before = harness.requests();
    for (const [index, item] of items.entries()) {
      const request = typeof item === 'string' ? { model, prompt: item } : { model, ...item };
      expect(await harness.client.complete({ ...request, temperature: 0 })).toEqual(results[index]);
    }
    expect(harness.requests()).toBe(before);
    expect(progress.events).toEqual(['start 14 Via batch', 'stop 14']);
    expect(progress.updates.at(-1)).toMatchObject({ done: 14, errors: 0 });
    expect(progress.last).toMatchObject({ done: 14, total: 14, errors: 0, cacheHits: 0 });
    expect(progress.last!.tokens).toBeGreaterThan(0);
    const status = dependencies.ledger.status()[model];
    expect(status).toMatchObject({ batchCalls: 14 });
  });

  it('answers cached items without uploading them, and fails single items (placeholder or error)', async () => {
    await start();
    const warm = await harness.client.complete({ model, prompt: 'already known' });
    const items = [
      'already known',
      { prompt: 'breaks in the job', extraBody: { mock_fault: 'error500' } },
      { prompt: 'another model', model: 'gpt-4o' },
      'fresh',
    ];
    const progress = recordingProgress();
    const results = await batchCompleteViaBatch(dependencies, items, {
      model,
      pollIntervalMs: 5,
      placeholder: 'FAILED',
      progress,
    });
    expect(results[0]).toBe(warm);
    expect(results.slice(1, 3)).toEqual(['FAILED', 'FAILED']);
    expect(typeof results[3]).toBe('string');
    expect(results[3]).not.toBe('FAILED');
    // Executed: 'fresh' only (the cached item was never uploaded, the faulty line failed in the job).
    expect(harness.server.stats().batchLines).toBe(1);
    expect(progress.last).toMatchObject({ done: 4, total: 4, errors: 2, cacheHits: 1 });

    const withErrors = await batchCompleteViaBatch(dependencies, items, {
      model,
      pollIntervalMs: 5,
      returnErrors: true,
      progress: false,
    });
    expect(withErrors[0]).toBe(warm);
    expect(BatchItemError.isInstance(withErrors[1])).toBe(true);
    expect(withErrors[2]).toBeInstanceOf(InvalidClientRequestError);
    expect(withErrors[3]).toBe(results[3]); // a cache hit now
    expect(harness.server.stats().batchLines).toBe(1);
  });

  it('stops waiting on abort and picks the same workspace up again without uploading twice', async () => {
    await start();
    const items = Array.from({ length: 5 }, (_, index) => `resumable ${index}`);
    const stopper = new AbortController();
    const aborting: ProgressReporter = {
      start() {},
      update: () => stopper.abort(),
      stop() {},
    };
    await expect(
      batchCompleteViaBatch(dependencies, items, {
        model,
        workspace: 'resume-me',
        pollIntervalMs: 60_000,
        signal: stopper.signal,
        progress: aborting,
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(harness.server.stats().byEndpoint['POST /v1/files']).toBe(1);
    const results = await batchCompleteViaBatch(dependencies, items, {
      model,
      workspace: 'resume-me',
      pollIntervalMs: 5,
      progress: false,
    });
    expect(results).toHaveLength(5);
    expect(results.every((result) => typeof result === 'string')).toBe(true);
    expect(harness.server.stats().byEndpoint['POST /v1/files']).toBe(1);
    expect(harness.server.stats().batchLines).toBe(5);
  });
});

describe("batchComplete(..., { via: 'batch' })", () => {
  it('runs the list through the Batch API and returns the online shape', async () => {
    await start();
    const prompts = ['first batch prompt', 'second batch prompt'];
    const results = await harness.client.batchComplete(prompts, {
      model,
      via: 'batch',
      pollIntervalMs: 5,
      progress: false,
    });
    const stats = harness.server.stats();
    expect(stats.batchLines).toBe(2);
    expect(stats.byEndpoint['POST /v1/chat/completions'] ?? 0).toBe(0);
    // Same answers as online calls, which are now cache hits: still no online request.
    for (const [index, prompt] of prompts.entries()) {
      expect(await harness.client.complete({ model, prompt })).toBe(results[index]);
    }
    expect(harness.server.stats().byEndpoint['POST /v1/chat/completions'] ?? 0).toBe(0);
  });

  it('never passes batch-only options on to the online requests', async () => {
    const sent: CompleteRequest[] = [];
    const complete = (request: CompleteRequest): Promise<CompleteOutcome> => {
      sent.push(request);
      return Promise.resolve({
        result: 'ok',
        response: {},
        cacheHit: false,
        usage: undefined,
        costUsd: 0,
        uniqueName: model,
      });
    };
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    await runBatchComplete(
      { complete, flush: () => Promise.resolve(), clock: systemClock, logger },
      ['online prompt'],
      {
        model,
        via: 'online',
        workspace: 'unused',
        pollIntervalMs: 5,
        batchLimits: { maxRequestsPerFile: 1 },
        metadata: { run: '1' },
        progress: false,
        temperature: 0,
      },
    );
    expect(sent).toEqual([
      { model, prompt: 'online prompt', temperature: 0, signal: expect.any(AbortSignal) as unknown },
    ]);
  });
});
