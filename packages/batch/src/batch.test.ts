import { type Clock, createManualClock } from '@maxllm/core';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { extractResult, InvalidRequestError, prepareRequest } from '@maxllm/request';
import type { CompleteRequest } from '@maxllm/request';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BatchItemError,
  BatchItemMissingError,
  BatchJobFailedError,
  BatchStateError,
  BatchWorkspaceError,
} from './errors';
import { listBatchWorkspaces } from './list-workspaces';
import { createHarness, testApiKey, testPrices } from './test-harness';
import type { Harness } from './test-harness';
import type { BatchProgress } from './types';

const Answer = z.object({ answer: z.number(), reason: z.string() });

const chatRequests: CompleteRequest[] = [
  { prompt: 'What is 2+2?' },
  { prompt: 'Name a colour.', systemPrompt: 'Be brief.', temperature: 0 },
  { messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 20 },
  { prompt: 'Give me JSON', jsonMode: true },
  { prompt: 'Structured please', jsonFormat: Answer },
];

let harness: Harness;
beforeEach(async () => {
  harness = await createHarness();
});
afterEach(async () => {
  await harness.close();
});

/** What `complete()` returns for the same request: the SDK against the same (deterministic) mock, no batch. */
async function online(request: CompleteRequest, alias = 'chat'): Promise<unknown> {
  const model = harness.config.resolveModel(alias);
  const prepared = prepareRequest(request, model);
  const openai = harness.createOpenAI(model);
  const response = await openai.post(prepared.endpoint.replace(/^\/v1/, ''), { body: prepared.body });
  return extractResult(prepared, response);
}

describe('batch lifecycle', () => {
  it('enqueues, uploads, waits and returns what complete() would, cached under the same key', async () => {
    const batch = await harness.open({ workspace: 'life' });
    expect(batch.state).toBe('enqueuing');
    const ids = [];
    for (const request of chatRequests) ids.push(await batch.enqueue(request));
    expect(ids).toEqual(['0', '1', '2', '3', '4']);

    expect(await batch.upload()).toBe('in_progress');
    await expect(batch.enqueue({ prompt: 'late' })).rejects.toThrow(BatchStateError);
    await expect(batch.results()).rejects.toThrow(/results\(\) is not allowed in state 'in_progress'/);

    const progress: BatchProgress[] = [];
    const state = await batch.waitUntilDone({ pollIntervalMs: 5, onProgress: (p) => progress.push(p) });
    expect(state).toBe('completed');
    expect(progress.at(-1)).toMatchObject({ state: 'completed', total: 5, completed: 5, failed: 0 });

    const results = await batch.results();
    expect(results.map((result) => result.customId)).toEqual(ids);
    for (const [index, result] of results.entries()) {
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(result.source).toBe('batch');
      expect(result.value).toEqual(await online(chatRequests[index]!));
    }
    const structured = results[4];
    expect(structured?.ok && Answer.safeParse(structured.value).success).toBe(true);

    // What complete() does on a hit: same key, same extraction, same value, no HTTP request.
    const model = harness.config.resolveModel('chat');
    const before = harness.httpRequests();
    for (const [index, request] of chatRequests.entries()) {
      const prepared = prepareRequest(request, model);
      const entry = await harness.cache.get(prepared.namespace, prepared.cacheKey);
      expect(entry?.meta).toMatchObject({ model: 'gpt-4o-mini', keyVersion: 1 });
      const result = results[index];
      expect(result?.ok && extractResult(prepared, entry?.response)).toEqual(result?.ok && result.value);
    }
    expect(harness.httpRequests()).toBe(before);

    const rows = await harness.ledgerRows();
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row).toMatchObject({ batch: 'yes', status: 'ok', cache_hit: 'no', unique_name: 'gpt-4o-mini' });
      const full =
        (Number(row.input_tokens) * testPrices.inputPerMillion +
          Number(row.output_tokens) * testPrices.outputPerMillion) /
        1e6;
      expect(Number(row.cost_total_usd)).toBeCloseTo(full / 2, 6);
    }

    // Idempotent: reading again records nothing more.
    expect((await batch.results()).map((result) => result.ok)).toEqual([true, true, true, true, true]);
    expect(await harness.ledgerRows()).toHaveLength(5);
    const reopened = await harness.open({ workspace: 'life' });
    await Promise.all([reopened.results(), reopened.results()]);
    expect(await harness.ledgerRows()).toHaveLength(5);
  });

  it('answers cache hits at enqueue time: a second batch of the same requests makes no request at all', async () => {
    const first = await harness.open({ workspace: 'first' });
    for (const request of chatRequests) await first.enqueue(request);
    await first.upload();
    await first.waitUntilDone({ pollIntervalMs: 5 });
    const expected = await first.results();

    const before = harness.httpRequests();
    const second = await harness.open({ workspace: 'second' });
    for (const request of chatRequests) await second.enqueue(request);
    expect(await second.upload()).toBe('cached');
    expect(await second.waitUntilDone()).toBe('cached');
    const results = await second.results();
    expect(harness.httpRequests()).toBe(before);
    expect(results.map((result) => result.ok && result.source)).toEqual(Array(5).fill('cache'));
    expect(results.map((result) => result.ok && result.value)).toEqual(
      expected.map((result) => result.ok && result.value),
    );
    const hits = (await harness.ledgerRows()).filter((row) => row.cache_hit === 'yes');
    expect(hits).toHaveLength(5);
    expect(hits.every((row) => row.batch === 'yes' && row.status === 'ok')).toBe(true);
    expect(harness.ledger.status('gpt-4o-mini')['gpt-4o-mini']).toMatchObject({
      cacheHits: 5,
      cacheMisses: 5,
    });
    await second.results();
    expect(await harness.ledgerRows()).toHaveLength(10);
  });

  it('mixes cached and uploaded requests and keeps enqueue order', async () => {
    const warm = await harness.open({ workspace: 'warm' });
    await warm.enqueue(chatRequests[1]!);
    await warm.upload();
    await warm.waitUntilDone({ pollIntervalMs: 5 });
    await warm.results();

    const batch = await harness.open({ workspace: 'mixed' });
    for (const request of chatRequests) await batch.enqueue(request);
    await batch.upload();
    expect(batch.jobs.reduce((sum, job) => sum + job.requests, 0)).toBe(4);
    await batch.waitUntilDone({ pollIntervalMs: 5 });
    const results = await batch.results();
    expect(results.map((result) => result.ok && result.source)).toEqual([
      'batch',
      'cache',
      'batch',
      'batch',
      'batch',
    ]);
  });

  it('sends force requests even when cached, and does not cache their answers', async () => {
    const warm = await harness.open({ workspace: 'force-warm' });
    await warm.enqueue({ prompt: 'cached one' });
    await warm.upload();
    await warm.waitUntilDone({ pollIntervalMs: 5 });
    await warm.results();

    const batch = await harness.open({ workspace: 'force' });
    await batch.enqueue({ prompt: 'cached one', force: true });
    await batch.enqueue({ prompt: 'never cached', force: true });
    await batch.upload();
    expect(batch.jobs[0]?.requests).toBe(2);
    await batch.waitUntilDone({ pollIntervalMs: 5 });
    expect((await batch.results()).map((result) => result.ok && result.source)).toEqual(['batch', 'batch']);
    const prepared = prepareRequest({ prompt: 'never cached' }, harness.config.resolveModel('chat'));
    expect(await harness.cache.get(prepared.namespace, prepared.cacheKey)).toBeUndefined();
  });

  it('refuses a request with an unknown key at enqueue, naming it, and stores nothing', async () => {
    const batch = await harness.open({ workspace: 'unknown-key' });
    const python = { prompt: 'hi', system_prompt: 'Be brief.' } as CompleteRequest;
    await expect(batch.enqueue(python)).rejects.toThrow(InvalidRequestError);
    await expect(batch.enqueue(python)).rejects.toThrow(/'system_prompt'.*'systemPrompt'/);
    expect(batch.size).toBe(0);
    await batch.enqueue({ prompt: 'hi', systemPrompt: 'Be brief.' });
    expect(batch.size).toBe(1);
  });

  it('stops waiting when aborted and can wait again later', async () => {
    await harness.close();
    const clock = createManualClock(1_700_000_000_000);
    harness = await createHarness({ clock });
    const batch = await harness.open({ workspace: 'abort' });
    await batch.enqueue({ prompt: 'q' });
    await batch.upload();
    const controller = new AbortController();
    const waiting = batch.waitUntilDone({
      pollIntervalMs: 60_000,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('stop waiting')),
    });
    await expect(waiting).rejects.toThrow('stop waiting');
    expect(batch.state).toBe('in_progress');
    for (let step = 0; step < 3; step += 1) clock.advance(1_000);
    expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('completed');
  });

  it('refresh() polls each running job once, without waiting, until the jobs are final', async () => {
    await harness.close();
    const clock = createManualClock(1_700_000_000_000);
    harness = await createHarness({ clock });
    const batch = await harness.open({ workspace: 'refresh', limits: { maxRequestsPerFile: 2 } });
    for (const request of chatRequests.slice(0, 3)) await batch.enqueue(request);
    expect(await batch.upload()).toBe('in_progress');
    const retrieves = (): number =>
      Object.entries(harness.server.stats().byEndpoint)
        .filter(([endpoint]) => endpoint.startsWith('GET /v1/batches/'))
        .reduce((sum, [, count]) => sum + count, 0);
    expect(await batch.refresh()).toBe('in_progress');
    expect(retrieves()).toBe(2); // one per job, no second round
    for (let step = 0; step < 3; step += 1) clock.advance(1_000);
    expect(await batch.refresh()).toBe('completed');
    expect(retrieves()).toBe(4);
    expect(await batch.refresh()).toBe('completed'); // final: nothing to poll
    expect(retrieves()).toBe(4);
  });

  it('records once even when results() calls overlap', async () => {
    const batch = await harness.open({ workspace: 'overlap' });
    for (const request of chatRequests.slice(0, 3)) await batch.enqueue(request);
    await batch.upload();
    await batch.waitUntilDone({ pollIntervalMs: 5 });
    const [first, second] = await Promise.all([batch.results(), batch.results()]);
    expect(first).toHaveLength(3);
    expect(second.map((result) => result.ok)).toEqual([true, true, true]);
    expect(await harness.ledgerRows()).toHaveLength(3);
  });

  it('sends identical requests once (also across a reopen) and gives each the shared answer', async () => {
    const first = await harness.open({ workspace: 'dupes' });
    await first.enqueue({ prompt: 'same' });
    await first.enqueue({ prompt: 'other' });
    await first.close();
    const batch = await harness.open({ workspace: 'dupes' });
    await batch.enqueue({ prompt: 'same' });
    await batch.enqueue({ prompt: 'same', jsonMode: false });
    await batch.enqueue({ prompt: 'same', force: true });
    const duplicates: (string | undefined)[] = [];
    for await (const task of batch.tasks()) duplicates.push(task.duplicateOf);
    expect(duplicates).toEqual([undefined, undefined, '0', '0', undefined]);
    await batch.upload();
    expect(batch.jobs.reduce((sum, job) => sum + job.requests, 0)).toBe(3);
    await batch.waitUntilDone({ pollIntervalMs: 5 });
    const results = await batch.results();
    expect(results.every((result) => result.ok)).toBe(true);
    const same = await online({ prompt: 'same' });
    expect(results.map((result) => result.ok && result.value)).toEqual([
      same,
      await online({ prompt: 'other' }),
      same,
      same,
      same,
    ]);
    expect(await harness.ledgerRows()).toHaveLength(3);
  });

  it('splits into several jobs by request count', async () => {
    const batch = await harness.open({ workspace: 'split', limits: { maxRequestsPerFile: 2 } });
    for (const request of chatRequests) await batch.enqueue(request);
    await batch.upload();
    expect(batch.jobs).toHaveLength(3);
    expect(new Set(batch.jobs.map((job) => job.jobId)).size).toBe(3);
    expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('completed');
    const results = await batch.results();
    expect(results.every((result) => result.ok)).toBe(true);
    expect(results.map((result) => result.customId)).toEqual(['0', '1', '2', '3', '4']);
  });

  it('keeps running jobs within the enqueued-token limit, creating the others as earlier ones finish', async () => {
    const batch = await harness.open({ workspace: 'tokens', limits: { maxTokensPerBatch: 40 } });
    for (const request of chatRequests.slice(0, 4)) await batch.enqueue(request);
    expect(await batch.upload()).toBe('in_progress');
    const tokens = batch.jobs.map((job) => job.tokens);
    expect(batch.jobs.length).toBeGreaterThanOrEqual(2);
    expect(batch.jobs.every((job) => job.fileId !== undefined)).toBe(true);
    const running = (): number =>
      batch.jobs
        .filter(
          (job) =>
            job.jobId !== undefined && !['completed', 'failed', 'expired', 'cancelled'].includes(job.status!),
        )
        .reduce((sum, job) => sum + job.tokens, 0);
    const seen: number[] = [running()];
    expect(batch.jobs.some((job) => job.jobId === undefined)).toBe(true);
    const state = await batch.waitUntilDone({ pollIntervalMs: 5, onProgress: () => seen.push(running()) });
    expect(state).toBe('completed');
    for (const value of seen) expect(value <= 40 || tokens.includes(value)).toBe(true);
    expect(batch.jobs.every((job) => job.status === 'completed')).toBe(true);
    expect((await batch.results()).every((result) => result.ok)).toBe(true);
  });

  it('runs embeddings and returns the vectors an online call returns', async () => {
    const batch = await harness.open({ model: 'embed', workspace: 'embed' });
    const requests: CompleteRequest[] = [
      { input: 'hello' },
      { input: ['a', 'b'] },
      { prompt: 'x', dimensions: 8 },
    ];
    for (const request of requests) await batch.enqueue(request);
    await batch.upload();
    expect(batch.jobs[0]?.endpoint).toBe('/v1/embeddings');
    await batch.waitUntilDone({ pollIntervalMs: 5 });
    const results = await batch.results();
    for (const [index, result] of results.entries()) {
      expect(result.ok && result.value).toEqual(await online(requests[index]!, 'embed'));
    }
  });
});

describe('batches of a Responses model', () => {
  it('sends /v1/responses lines without the model tier, fills the cache under the online key, ledger at batch price', async () => {
    const batch = await harness.open({ model: 'resp-flex', workspace: 'resp' });
    for (const request of chatRequests) await batch.enqueue(request);
    await batch.upload();
    expect(batch.jobs[0]?.endpoint).toBe('/v1/responses');
    const uploads = join(harness.home, 'batch', 'resp', 'uploads');
    const lines = (await readFile(join(uploads, (await readdir(uploads))[0]!), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { url: string; body: Record<string, unknown> });
    expect(lines.map((line) => line.url)).toEqual(Array(5).fill('/v1/responses'));
    expect(lines[1]!.body).toMatchObject({ input: 'Name a colour.', instructions: 'Be brief.' });
    expect(lines[4]!.body.text).toMatchObject({ format: { type: 'json_schema', strict: true } });
    expect(lines.every((line) => line.body.service_tier === undefined)).toBe(true);
    expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('completed');

    const results = await batch.results();
    const model = harness.config.resolveModel('resp-flex');
    for (const [index, result] of results.entries()) {
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      const value = await online(chatRequests[index]!, 'resp-flex');
      expect(result.value).toEqual(value);
      // The online call (tier flex in its body) looks up the same key and finds this answer.
      const prepared = prepareRequest(chatRequests[index]!, model);
      expect(prepared.body.service_tier).toBe('flex');
      const entry = await harness.cache.get(prepared.namespace, prepared.cacheKey);
      expect(entry && extractResult(prepared, entry.response)).toEqual(value);
      expect((entry?.response as { object?: string }).object).toBe('response');
    }
    expect(Answer.safeParse(results[4]?.ok && results[4].value).success).toBe(true);
    const rows = await harness.ledgerRows();
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row).toMatchObject({ batch: 'yes', status: 'ok', unique_name: 'gpt-5-mini' });
      expect(Number(row.input_tokens)).toBeGreaterThan(0);
      const full =
        (Number(row.input_tokens) * testPrices.inputPerMillion +
          Number(row.output_tokens) * testPrices.outputPerMillion) /
        1e6;
      expect(Number(row.cost_total_usd)).toBeCloseTo(full / 2, 6);
    }
  });
});

describe('batch failures', () => {
  it('reports a failed job as a per-item BatchJobFailedError', async () => {
    const batch = await harness.open({ workspace: 'failed' });
    for (const request of chatRequests.slice(0, 2)) await batch.enqueue(request);
    await batch.upload({ metadata: { mock_outcome: 'failed' } });
    expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('failed');
    const results = await batch.results();
    expect(results.every((result) => !result.ok && BatchJobFailedError.isInstance(result.error))).toBe(true);
    expect(await harness.ledgerRows()).toHaveLength(0);
  });

  it('maps per-line errors to their request and keeps the other answers', async () => {
    const batch = await harness.open({ workspace: 'lines' });
    await batch.enqueue({ prompt: 'fine', meta: { row: 1 } });
    await batch.enqueue({ prompt: 'broken', extraBody: { mock_fault: 'error500' }, meta: { row: 2 } });
    await batch.enqueue({ prompt: 'also fine' });
    await batch.upload();
    expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('completed');
    const results = await batch.results();
    expect(results.map((result) => result.ok)).toEqual([true, false, true]);
    expect(results.map((result) => result.meta)).toEqual([{ row: 1 }, { row: 2 }, undefined]);
    const failure = results[1];
    expect(failure && !failure.ok && BatchItemError.isInstance(failure.error)).toBe(true);
    expect(failure && !failure.ok && (failure.error as BatchItemError).status).toBe(500);
    const rows = await harness.ledgerRows();
    expect(rows.filter((row) => row.status === 'ok')).toHaveLength(2);
  });

  it('ends expired jobs (no endless polling) and retries the unanswered requests in a new batch round', async () => {
    const batch = await harness.open({ workspace: 'expired' });
    for (const request of chatRequests.slice(0, 3)) await batch.enqueue(request);
    await batch.upload({ metadata: { mock_outcome: 'expired' } });
    expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('expired');
    const first = await batch.results();
    // The mock answers the first half before the window "expires", as OpenAI may.
    expect(first.map((result) => result.ok)).toEqual([true, false, false]);
    for (const result of first.slice(1)) {
      expect(!result.ok && BatchItemMissingError.isInstance(result.error)).toBe(true);
      expect(!result.ok && (result.error as BatchItemMissingError).jobStatus).toBe('expired');
    }

    const { retried } = await batch.retryFailed({ via: 'batch' });
    expect(retried).toEqual(['1', '2']);
    expect(batch.state).toBe('in_progress');
    expect(batch.jobs.map((job) => job.round)).toEqual([0, 1]);
    expect(batch.jobs[1]?.requests).toBe(2);
    expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('completed');
    const second = await batch.results();
    expect(second.every((result) => result.ok && result.source === 'batch')).toBe(true);
    for (const [index, result] of second.entries()) {
      expect(result.ok && result.value).toEqual(await online(chatRequests[index]!));
    }
    expect((await harness.ledgerRows()).filter((row) => row.batch === 'yes')).toHaveLength(3);
  });

  it('retries failed requests online with the SDK, caching and recording them at the normal price', async () => {
    const batch = await harness.open({ workspace: 'online' });
    for (const request of chatRequests.slice(0, 2)) await batch.enqueue(request);
    await batch.upload({ metadata: { mock_outcome: 'expired' } });
    await batch.waitUntilDone({ pollIntervalMs: 5 });
    expect(await batch.retryFailed({ via: 'online' })).toEqual({ retried: ['1'] });
    const results = await batch.results();
    expect(results.map((result) => result.ok && result.source)).toEqual(['batch', 'online']);
    expect(results[1]?.ok && results[1].value).toEqual(await online(chatRequests[1]!));
    const rows = await harness.ledgerRows();
    expect(rows.map((row) => row.batch)).toEqual(['yes', 'no']);
    const prepared = prepareRequest(chatRequests[1]!, harness.config.resolveModel('chat'));
    expect(await harness.cache.get(prepared.namespace, prepared.cacheKey)).toBeDefined();
  });

  it('retries online through a caller-supplied complete()', async () => {
    const batch = await harness.open({ workspace: 'online-complete' });
    await batch.enqueue({ prompt: 'one', jsonFormat: Answer });
    await batch.enqueue({ prompt: 'two', jsonFormat: Answer });
    await batch.upload({ metadata: { mock_outcome: 'expired' } });
    await batch.waitUntilDone({ pollIntervalMs: 5 });
    const seen: CompleteRequest[] = [];
    await batch.retryFailed({
      via: 'online',
      complete: (request) => {
        seen.push(request);
        return Promise.resolve({ answer: 1, reason: 'r' });
      },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ prompt: 'two', model: 'chat', jsonFormat: Answer });
    const [, result] = await batch.results();
    expect(result).toMatchObject({ ok: true, value: { answer: 1, reason: 'r' }, source: 'online' });
  });

  it('cancels running jobs; unanswered requests get BatchItemMissingError', async () => {
    await harness.close();
    const clock = createManualClock(1_700_000_000_000);
    harness = await createHarness({ clock });
    const batch = await harness.open({ workspace: 'cancel' });
    for (const request of chatRequests.slice(0, 2)) await batch.enqueue(request);
    await batch.upload();
    expect(batch.jobs[0]?.status).toBe('validating');
    await batch.cancel();
    expect(batch.jobs[0]?.status).toBe('cancelling');
    expect(batch.state).toBe('in_progress');
    clock.advance(60_000);
    expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('cancelled');
    const results = await batch.results();
    for (const result of results) {
      expect(!result.ok && BatchItemMissingError.isInstance(result.error)).toBe(true);
      expect(!result.ok && (result.error as BatchItemMissingError).jobStatus).toBe('cancelled');
    }
    expect(await batch.upload().catch((error: unknown) => error)).toBeInstanceOf(BatchStateError);
  });

  it('tolerates a few failed polls, and gives up after five in a row', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (message: string) => warnings.push(message), error() {} };
    const batch = await harness.open({ workspace: 'flaky-poll', logger });
    await batch.enqueue({ prompt: 'q' });
    await batch.upload();
    harness.failNext(/^GET .*\/batches\//, 4);
    expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('completed');
    expect(warnings.filter((warning) => warning.includes('Polling batch jobs failed'))).toHaveLength(4);

    const other = await harness.open({ workspace: 'dead-poll', logger });
    await other.enqueue({ prompt: 'q' });
    await other.upload();
    harness.failNext(/^GET .*\/batches\//, 5);
    await expect(other.waitUntilDone({ pollIntervalMs: 5 })).rejects.toThrow();
    expect(other.state).toBe('in_progress');
  });

  it('cancel() of a job that finished meanwhile keeps its real outcome', async () => {
    await harness.close();
    const clock = createManualClock(1_700_000_000_000);
    harness = await createHarness({ clock });
    const batch = await harness.open({ workspace: 'cancel-late' });
    await batch.enqueue({ prompt: 'a' });
    await batch.upload();
    expect(batch.jobs[0]?.status).toBe('validating');
    for (let step = 0; step < 3; step += 1) clock.advance(1_000); // completed on the server, not yet polled
    await batch.cancel();
    expect(batch.jobs[0]?.status).toBe('completed');
    expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('completed');
    expect((await batch.results())[0]?.ok).toBe(true);
  });
});

describe('batch workspace', () => {
  it('reopens with state, ids and custom ids; a schema option validates on reopen', async () => {
    const batch = await harness.open({ workspace: 'reopen' });
    await batch.enqueue({ prompt: 'a' });
    await batch.enqueue({ prompt: 'b', jsonFormat: Answer });
    await batch.close();

    await expect(batch.enqueue({ prompt: 'closed' })).rejects.toThrow(/in state 'closed'/);
    const again = await harness.open({ workspace: 'reopen' });
    expect(again.size).toBe(2);
    expect(await again.enqueue({ prompt: 'c' })).toBe('2');
    await again.upload();
    const jobIds = again.jobs.map((job) => job.jobId);

    const third = await harness.open({ workspace: 'reopen' });
    expect(third.state).toBe('in_progress');
    expect(third.jobs.map((job) => job.jobId)).toEqual(jobIds);
    await third.waitUntilDone({ pollIntervalMs: 5 });
    const unvalidated = await third.results();
    expect(unvalidated[1]?.ok).toBe(true);
    const strict = await third.results({ schemas: { '1': z.object({ nothing: z.literal('here') }) } });
    expect(strict[1]?.ok).toBe(false);
  });

  it('numbers concurrent enqueues in call order and never writes the API key to disk', async () => {
    const batch = await harness.open({ workspace: 'concurrent' });
    const prompts = Array.from({ length: 50 }, (_, index) => `prompt ${index}`);
    const ids = await Promise.all(prompts.map((prompt) => batch.enqueue({ prompt })));
    expect(ids).toEqual(prompts.map((_, index) => String(index)));
    const stored: string[] = [];
    for await (const task of batch.tasks()) stored.push(String(task.request.prompt));
    expect(stored).toEqual(prompts);
    await batch.upload();
    await batch.waitUntilDone({ pollIntervalMs: 5 });
    const results = await batch.results();
    expect(results.map((result) => result.customId)).toEqual(ids);

    const files = await readdir(harness.home, { recursive: true, withFileTypes: true });
    const texts = await Promise.all(
      files.filter((file) => file.isFile()).map((file) => readFile(join(file.parentPath, file.name), 'utf8')),
    );
    expect(texts.length).toBeGreaterThan(5);
    expect(texts.some((text) => text.includes(testApiKey))).toBe(false);
    expect(texts.some((text) => text.includes('prompt 49'))).toBe(true);
  });

  it('lists workspaces from their manifests, newest first', async () => {
    const first = await harness.open({ workspace: 'list-a', clock: systemClockFor(1_000) });
    await first.enqueue({ prompt: 'x' });
    await first.close();
    const second = await harness.open({ workspace: 'list-b', clock: systemClockFor(2_000) });
    await second.close();
    await mkdir(join(harness.config.paths.batch, 'not-a-workspace'), { recursive: true });
    const listed = await listBatchWorkspaces(harness.config.paths.batch);
    expect(
      listed.map(({ name, state, model, requests, jobs }) => ({ name, state, model, requests, jobs })),
    ).toEqual([
      { name: 'list-b', state: 'enqueuing', model: 'chat', requests: 0, jobs: 0 },
      { name: 'list-a', state: 'enqueuing', model: 'chat', requests: 1, jobs: 0 },
    ]);
    expect(await listBatchWorkspaces(join(harness.home, 'missing'))).toEqual([]);
  });

  it('refuses a workspace of another model and names that escape the batch folder', async () => {
    const batch = await harness.open({ workspace: 'owned' });
    await batch.close();
    await expect(harness.open({ model: 'embed', workspace: 'owned' })).rejects.toThrow(BatchWorkspaceError);
    await expect(harness.open({ workspace: '../escape' })).rejects.toThrow(BatchWorkspaceError);
  });

  it('refuses calls in the wrong state, naming the state and the call', async () => {
    const batch = await harness.open({ workspace: 'states' });
    await expect(batch.waitUntilDone()).rejects.toThrow(
      /waitUntilDone\(\) is not allowed in state 'enqueuing'/,
    );
    await expect(batch.retryFailed({ via: 'batch' })).rejects.toThrow(BatchStateError);
  });
});

/** The real timers with a fixed `now()` (the workspace creation time). */
function systemClockFor(now: number): Clock {
  return {
    now: () => now,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}
