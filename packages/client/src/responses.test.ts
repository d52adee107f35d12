import { join } from 'node:path';
import { readLedgerRows, type LedgerRow } from '@maxllm/ledger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { recordingFetch, startHarness, type Harness, type HarnessOptions } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

/** A fetch that keeps the path and JSON body of every request (the real fetch does the work). */
function tracingFetch(): {
  fetch: typeof fetch;
  sent: Array<{ path: string; body: Record<string, unknown> }>;
} {
  const sent: Array<{ path: string; body: Record<string, unknown> }> = [];
  const traced = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (typeof init?.body === 'string') {
      sent.push({ path: new URL(url).pathname, body: JSON.parse(init.body) as Record<string, unknown> });
    }
    return fetch(input, init);
  };
  return { fetch: traced, sent };
}

const models: HarnessOptions['models'] = [
  { model_name: 'resp', litellm_params: { model: 'gpt-5-mini', api: 'responses' } },
  {
    model_name: 'resp-flex',
    litellm_params: { model: 'gpt-5-nano', api: 'responses', service_tier: 'flex' },
  },
  { model_name: 'chat', litellm_params: { model: 'gpt-4o-mini' } },
];

async function start(options: HarnessOptions = {}) {
  const trace = tracingFetch();
  harness = await startHarness({ models, ...options, client: { fetch: trace.fetch, ...options.client } });
  return trace;
}

async function ledgerRows(): Promise<LedgerRow[]> {
  await harness.client.close();
  const rows: LedgerRow[] = [];
  for await (const row of readLedgerRows(join(harness.home, 'logs', 'openai_calls.csv'))) rows.push(row);
  return rows;
}

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe('complete() over the Responses API', () => {
  it('sends prompt / systemPrompt / history as input / instructions to /v1/responses and returns the text', async () => {
    const trace = await start();
    const text = await harness.client.complete({
      model: 'resp',
      prompt: 'Now',
      systemPrompt: 'Be brief.',
      historyMessages: [{ role: 'assistant', content: 'Earlier' }],
      reasoning: { effort: 'low' },
    });
    expect(typeof text).toBe('string');
    expect(text.length).toBeGreaterThan(0);
    expect(trace.sent).toHaveLength(1);
    expect(trace.sent[0]).toEqual({
      path: '/v1/responses',
      body: {
        model: 'gpt-5-mini',
        instructions: 'Be brief.',
        input: [
          { role: 'assistant', content: 'Earlier' },
          { role: 'user', content: 'Now' },
        ],
        reasoning: { effort: 'low' },
      },
    });
    const raw = await harness.client.complete({ model: 'resp', prompt: 'Now', raw: true, force: true });
    expect((raw as { object: string }).object).toBe('response');
  });

  it('returns the parsed object for a zod jsonFormat and JSON text for jsonMode, via text.format', async () => {
    const trace = await start();
    const City = z.object({ city: z.string(), population: z.number().int() });
    const city = await harness.client.complete({ model: 'resp', prompt: 'A city', jsonFormat: City });
    expect(City.parse(city)).toEqual(city);
    expect(trace.sent[0]!.body.text).toMatchObject({ format: { type: 'json_schema', strict: true } });
    const json = await harness.client.complete({ model: 'resp', prompt: 'JSON', jsonMode: true });
    expect(typeof JSON.parse(json)).toBe('object');
    expect(trace.sent[1]!.body.text).toEqual({ format: { type: 'json_object' } });
  });

  it('asks again when the structured output does not validate, as for chat', async () => {
    const recorder = recordingFetch((json, call) => {
      if (call !== 1) return undefined;
      const response = json as { output: Array<{ type: string; content?: Array<{ text?: string }> }> };
      const message = response.output.find((item) => item.type === 'message');
      message!.content![0]!.text = '{"city": 42}';
      return response;
    });
    harness = await startHarness({ models, client: { fetch: recorder.fetch } });
    const City = z.object({ city: z.string() });
    const city = await harness.client.complete({ model: 'resp', prompt: 'A city', jsonFormat: City });
    expect(City.parse(city)).toEqual(city);
    expect(recorder.bodies).toHaveLength(2);
    const rows = await ledgerRows();
    expect(rows.map((row) => row.status)).toEqual(['invalid_output', 'ok']);
  });

  it('records usage with cached input and reasoning tokens, and the tier, in the ledger', async () => {
    await start();
    const long = 'alpha beta gamma delta '.repeat(400);
    await harness.client.complete({ model: 'resp', prompt: long, reasoning: { effort: 'medium' } });
    await harness.client.complete({
      model: 'resp',
      prompt: long,
      reasoning: { effort: 'medium' },
      force: true,
    });
    const rows = await ledgerRows();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ status: 'ok', cached_input_tokens: '0', reasoning_tokens: '192' });
    expect(Number(rows[1]!.cached_input_tokens)).toBeGreaterThanOrEqual(1024);
    expect(Number(rows[1]!.input_tokens)).toBeGreaterThan(1600);
  });

  it('lets a call override the API; the two APIs never share a cache entry', async () => {
    const trace = await start();
    await harness.client.complete({ model: 'resp', prompt: 'Same' });
    await harness.client.complete({ model: 'resp', prompt: 'Same', api: 'chat' });
    await harness.client.complete({ model: 'chat', prompt: 'Same', api: 'responses' });
    expect(trace.sent.map((entry) => entry.path)).toEqual([
      '/v1/responses',
      '/v1/chat/completions',
      '/v1/responses',
    ]);
    await harness.client.complete({ model: 'resp', prompt: 'Same' });
    await harness.client.complete({ model: 'resp', prompt: 'Same', api: 'chat' });
    expect(trace.sent).toHaveLength(3);
  });
});

describe('stream() over the Responses API', () => {
  it('yields the text deltas, takes usage from the final event, and replays the cached answer', async () => {
    const trace = await start({ mock: { output: { meanTokens: 40, spread: 0 } } });
    const deltas = await collect(
      harness.client.stream({ model: 'resp', prompt: 'Stream it', systemPrompt: 'S' }),
    );
    expect(deltas.length).toBeGreaterThan(1);
    expect(trace.sent[0]).toMatchObject({
      path: '/v1/responses',
      body: { stream: true, input: 'Stream it' },
    });
    expect(trace.sent[0]!.body).not.toHaveProperty('stream_options');
    const text = deltas.join('');
    const replay = await collect(
      harness.client.stream({ model: 'resp', prompt: 'Stream it', systemPrompt: 'S' }),
    );
    expect(replay).toEqual([text]);
    expect(await harness.client.complete({ model: 'resp', prompt: 'Stream it', systemPrompt: 'S' })).toBe(
      text,
    );
    expect(trace.sent).toHaveLength(1);
    const rows = await ledgerRows();
    expect(rows.map((row) => row.cache_hit)).toEqual(['no', 'yes', 'yes']);
    expect(rows[0]).toMatchObject({ status: 'ok', output_tokens: '40' });
    expect(Number(rows[0]!.input_tokens)).toBeGreaterThan(0);
  });

  it('does not cache a stream cut by max_output_tokens the caller did not set', async () => {
    const trace = await start();
    await collect(harness.client.stream({ model: 'resp', prompt: 'Capped', max_output_tokens: 5 }));
    await collect(harness.client.stream({ model: 'resp', prompt: 'Capped', max_output_tokens: 5 }));
    expect(trace.sent).toHaveLength(1);
    expect(trace.sent[0]!.body.max_output_tokens).toBe(5);
  });
});

describe('service tiers', () => {
  it('sends the model tier, a call tier over it, and nothing for a model without one', async () => {
    const trace = await start();
    await harness.client.complete({ model: 'resp-flex', prompt: 'a' });
    await harness.client.complete({ model: 'resp-flex', prompt: 'b', serviceTier: 'priority' });
    await harness.client.complete({ model: 'chat', prompt: 'c', serviceTier: 'flex' });
    await harness.client.complete({ model: 'resp', prompt: 'd' });
    expect(trace.sent.map((entry) => entry.body.service_tier)).toEqual([
      'flex',
      'priority',
      'flex',
      undefined,
    ]);
  });

  it('prices each call at the tier the response reports (flex at half the default price)', async () => {
    const trace = tracingFetch();
    harness = await startHarness({
      models: [
        {
          model_name: 'priced',
          litellm_params: { model: 'gpt-5-mini', api: 'responses', provider: 'openai' },
        },
      ],
      client: { fetch: trace.fetch },
    });
    await harness.client.complete({ model: 'priced', prompt: 'same words' });
    await harness.client.complete({
      model: 'priced',
      prompt: 'same words',
      serviceTier: 'flex',
      force: true,
    });
    const [standard, flex] = await ledgerRows();
    expect(standard?.service_tier).toBe('default');
    expect(flex?.service_tier).toBe('flex');
    expect(flex?.input_tokens).toBe(standard?.input_tokens);
    expect(Number(standard?.cost_total_usd)).toBeGreaterThan(0);
    expect(Number(flex?.cost_total_usd)).toBeCloseTo(Number(standard?.cost_total_usd) / 2, 9);
  });

  it('prices a stream at the tier it reports, for chat and for Responses', async () => {
    await start();
    for (const model of ['chat', 'resp']) {
      for await (const _delta of harness.client.stream({ model, prompt: 'tiered', serviceTier: 'flex' })) {
        // drain
      }
    }
    const rows = await ledgerRows();
    expect(rows.map((row) => row.service_tier)).toEqual(['flex', 'flex']);
  });

  it('backs off a flex "resource unavailable" 429 for that request only, never pausing the model', async () => {
    const trace = await start({ client: { retryBackoff: { initialMs: 300, maxMs: 300 } } });
    harness.server.enqueueFaults([{ fault: 'flex_unavailable' }, { fault: 'flex_unavailable' }]);
    let flexDone = false;
    const flex = harness.client
      .complete({ model: 'resp', prompt: 'flex one', serviceTier: 'flex' })
      .finally(() => (flexDone = true));
    await vi.waitFor(() => expect(harness.server.stats().rateLimited).toBeGreaterThanOrEqual(1));
    // The default tier of the same model goes through while the flex request waits.
    await harness.client.complete({ model: 'resp', prompt: 'default one' });
    expect(flexDone).toBe(false);
    expect(typeof (await flex)).toBe('string');
    expect(harness.server.stats().rateLimited).toBe(2);
    expect(trace.sent.filter((entry) => entry.body.service_tier === 'flex')).toHaveLength(3);
    expect(harness.logs.some((line) => /flex tier unavailable \(429\); retry 1\/10/.test(line))).toBe(true);
  });

  it('batchComplete keeps going through flex failures, and falls back to the default tier when asked', async () => {
    const trace = await start({
      mock: { models: { 'gpt-5-nano': { faults: { flexUnavailableRate: 1 } } } },
      client: { maxFlexRetries: 2 },
    });
    const plain = await harness.client.batchComplete(['x', 'y'], {
      model: 'resp-flex',
      progress: false,
      returnErrors: true,
    });
    // Every try found flex unavailable: each item failed on its own, the run was not stopped.
    expect(
      plain.every((result) => result instanceof Error && /flex tier unavailable/.test(result.message)),
    ).toBe(true);
    const fallback = await harness.client.batchComplete(['x', 'y'], {
      model: 'resp-flex',
      progress: false,
      flexFallbackAfter: 2,
    });
    expect(fallback.every((result) => typeof result === 'string' && result.length > 0)).toBe(true);
    const defaults = trace.sent.filter((entry) => entry.body.service_tier === 'default');
    expect(defaults).toHaveLength(2);
    expect(harness.logs.some((line) => /sending this request on the default tier/.test(line))).toBe(true);
  });
});
