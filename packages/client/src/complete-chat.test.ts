import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CompletionError, InvalidOutputError, QuotaExceededError } from './errors';
import { recordingFetch, startHarness, withContent, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

const model = 'gpt-4o-mini';

describe('complete() for chat against the mock server', () => {
  it('returns the message text and records one ledger row', async () => {
    harness = await startHarness();
    const text = await harness.client.complete({ model, prompt: 'Say hello' });
    expect(typeof text).toBe('string');
    expect(text.length).toBeGreaterThan(0);
    expect(harness.server.stats().byModel[model]?.requests).toBe(1);
    expect(harness.client.getCallStatus(model)[model]).toMatchObject({ totalCalls: 1, cacheMisses: 1 });
    await harness.client.close();
    const csv = await readFile(harness.client.config.paths.ledger, 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(2);
  });

  it('builds system + history + user messages, or sends `messages` as given', async () => {
    const recorder = recordingFetch();
    harness = await startHarness({ client: { fetch: recorder.fetch } });
    const history = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
    ];
    await harness.client.complete({
      model,
      prompt: 'And now?',
      systemPrompt: 'Be brief.',
      historyMessages: history,
    });
    expect(recorder.bodies[0]).toMatchObject({
      model,
      messages: [{ role: 'system', content: 'Be brief.' }, ...history, { role: 'user', content: 'And now?' }],
    });
    const messages = [{ role: 'user', content: 'Only this' }];
    await harness.client.complete({ model, messages, temperature: 0.3, max_tokens: 12 });
    expect(recorder.bodies[1]).toMatchObject({ messages, temperature: 0.3, max_completion_tokens: 12 });
    expect(recorder.bodies[1]).not.toHaveProperty('max_tokens');
  });

  it('jsonMode sends response_format json_object and returns the text', async () => {
    const recorder = recordingFetch();
    harness = await startHarness({ client: { fetch: recorder.fetch } });
    const text = await harness.client.complete({ model, prompt: 'JSON please', jsonMode: true });
    expect(recorder.bodies[0]?.response_format).toEqual({ type: 'json_object' });
    expect(typeof text).toBe('string');
    expect(() => JSON.parse(text) as unknown).not.toThrow();
  });

  it('jsonFormat with a nested zod schema sends a strict json_schema and returns the parsed value', async () => {
    const recorder = recordingFetch();
    harness = await startHarness({ client: { fetch: recorder.fetch } });
    const schema = z.object({
      title: z.string(),
      tags: z.array(z.string()),
      author: z.object({ name: z.string(), age: z.number() }),
    });
    const value = await harness.client.complete({ model, prompt: 'A book', jsonFormat: schema });
    expect(schema.parse(value)).toEqual(value);
    expect(value.author.name).toEqual(expect.any(String));
    expect(recorder.bodies[0]?.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { strict: true },
    });
  });

  it('parses structured output wrapped in a ```json fence with leading prose', async () => {
    const recorder = recordingFetch((json) =>
      withContent(json, 'Sure! Here it is:\n```json\n{"answer": 42, "unit": "none"}\n```'),
    );
    harness = await startHarness({ client: { fetch: recorder.fetch } });
    const schema = z.object({ answer: z.number(), unit: z.string() });
    expect(await harness.client.complete({ model, prompt: 'Answer', jsonFormat: schema })).toEqual({
      answer: 42,
      unit: 'none',
    });
  });

  it('re-asks on invalid structured output and records every try', async () => {
    const recorder = recordingFetch((json, call) =>
      call === 1 ? withContent(json, 'not json at all') : json,
    );
    harness = await startHarness({ client: { fetch: recorder.fetch } });
    const schema = z.object({ answer: z.number() });
    const value = await harness.client.complete({ model, prompt: 'Number?', jsonFormat: schema });
    expect(schema.parse(value)).toEqual(value);
    expect(recorder.bodies).toHaveLength(2);
    expect(harness.client.getCallStatus(model)[model]).toMatchObject({
      totalCalls: 2,
      errors: 1,
      cacheMisses: 1,
    });
  });

  it('gives up with InvalidOutputError after maxOutputRetries re-asks and caches nothing', async () => {
    const recorder = recordingFetch((json) => withContent(json, '{"answer": "forty-two"}'));
    harness = await startHarness({ client: { fetch: recorder.fetch, maxOutputRetries: 1 } });
    const request = { model, prompt: 'Number?', jsonFormat: z.object({ answer: z.number() }) };
    const error = await harness.client.complete(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidOutputError);
    expect((error as InvalidOutputError).attempts).toBe(2);
    expect(recorder.bodies).toHaveLength(2);
    await harness.client.complete(request).catch(() => undefined);
    expect(recorder.bodies).toHaveLength(4); // nothing was cached
  });

  it('raw returns the SDK response', async () => {
    harness = await startHarness();
    const response = await harness.client.complete({ model, prompt: 'Raw', raw: true });
    expect(response).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant' } }],
    });
  });

  it('meta travels with the result and with errors', async () => {
    harness = await startHarness();
    const [text, meta] = await harness.client.complete({ model, prompt: 'Meta', meta: { row: 7 } });
    expect(typeof text).toBe('string');
    expect(meta).toEqual({ row: 7 });
    expect(await harness.client.complete({ model, prompt: 'Meta', meta: null })).toBe(text);
    expect(await harness.client.complete({ model, prompt: 'Meta', meta: 0 })).toEqual([text, 0]);
    harness.server.enqueueFaults([{ fault: 'insufficient_quota' }]);
    const error = await harness.client
      .complete({ model, prompt: 'Meta 2', meta: { row: 8 } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toBeInstanceOf(CompletionError);
    expect((error as QuotaExceededError).meta).toEqual({ row: 8 });
    expect((error as QuotaExceededError).model).toBe(model);
  });

  it('force neither reads nor writes the cache; recache writes without reading', async () => {
    harness = await startHarness();
    const request = { model, prompt: 'Policy' };
    await harness.client.complete({ ...request, force: true });
    await harness.client.complete({ ...request, force: true });
    expect(harness.requests()).toBe(2);
    await harness.client.complete(request); // nothing was written by the forced calls: a miss
    expect(harness.requests()).toBe(3);
    await harness.client.complete(request); // hit
    expect(harness.requests()).toBe(3);
    const recaching = harness.newClient({ recache: true });
    await recaching.complete(request);
    expect(harness.requests()).toBe(4);
    const fromEnv = harness.newClient({ env: { RECACHE_FLAG: '1' } });
    await fromEnv.complete(request);
    expect(harness.requests()).toBe(5);
  });

  it('a request flag gives calls their own cache entries; falsy flags mean none', async () => {
    harness = await startHarness();
    const request = { model, prompt: 'Flagged' };
    await harness.client.complete(request);
    await harness.client.complete({ ...request, requestFlag: 0 });
    expect(harness.requests()).toBe(1);
    await harness.client.complete({ ...request, requestFlag: 'run-2' });
    expect(harness.requests()).toBe(2);
    harness.client.setRequestFlag('run-2');
    await harness.client.complete(request);
    expect(harness.requests()).toBe(2);
    harness.client.setRequestFlag('run-3');
    await harness.client.complete(request);
    expect(harness.requests()).toBe(3);
  });

  it('identical concurrent calls make one HTTP request (single-flight)', async () => {
    harness = await startHarness({ mock: { latency: { meanMs: 50 } } });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => harness.client.complete({ model, prompt: 'Together' })),
    );
    expect(new Set(results).size).toBe(1);
    expect(harness.requests()).toBe(1);
    expect(harness.client.getCallStatus(model)[model]).toMatchObject({ cacheMisses: 1, cacheHits: 4 });
  });

  it('a call that joined an identical call its caller aborted still gets its answer', async () => {
    harness = await startHarness({ mock: { latency: { meanMs: 300 } } });
    const aborted = harness.client.complete({ model, prompt: 'Shared', signal: AbortSignal.timeout(50) });
    const patient = harness.client.complete({ model, prompt: 'Shared' });
    await expect(aborted).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(typeof (await patient)).toBe('string');
    expect(harness.requests()).toBe(2);
  });

  it('a 400 is not retried and is a CompletionError with status and attempts', async () => {
    harness = await startHarness();
    const error = await harness.client
      .complete({ model, prompt: 'Bad', n: 0 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CompletionError);
    expect(error).toMatchObject({ status: 400, attempts: 1, uniqueName: model });
    expect(harness.requests()).toBe(1);
  });

  it('sends a completion-mode model to /v1/completions and returns the text', async () => {
    harness = await startHarness({
      models: [
        { model_name: 'legacy', litellm_params: { model: 'gpt-3.5-turbo-instruct', mode: 'completion' } },
      ],
    });
    const text = await harness.client.complete({
      model: 'legacy',
      prompt: 'Once upon a time',
      max_tokens: 5,
    });
    expect(typeof text).toBe('string');
    expect(harness.server.stats().byEndpoint['POST /v1/completions']).toBe(1);
  });

  it('a caller abort rejects with the signal reason and is not retried', async () => {
    harness = await startHarness({ mock: { latency: { meanMs: 5_000 } } });
    const error = await harness.client
      .complete({ model, prompt: 'slow', signal: AbortSignal.timeout(100) })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: expect.stringMatching(/Abort|Timeout/) });
    expect(harness.requests()).toBe(1);
  });

  it('cache hits take no rate-limit capacity', async () => {
    // burst: 60 s = the whole minute at once (no pacing), so the second request goes at once too.
    harness = await startHarness({ params: { rpm: 2, burst: 60 } });
    await harness.client.complete({ model, prompt: 'limited 1' });
    await harness.client.complete({ model, prompt: 'limited 2' });
    // The minute's two requests are used: a hit that needed capacity would wait ~60 s and time the test out.
    for (let index = 0; index < 10; index++) await harness.client.complete({ model, prompt: 'limited 1' });
    await expect(
      harness.client.complete({ model, prompt: 'limited 3', signal: AbortSignal.timeout(200) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(harness.requests()).toBe(2);
  });

  it('refuses calls after close() without sending anything', async () => {
    harness = await startHarness();
    await harness.client.close();
    await expect(harness.client.complete({ model, prompt: 'late' })).rejects.toThrow(/closed/);
    expect(harness.requests()).toBe(0);
  });
});
