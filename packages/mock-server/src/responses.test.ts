import { createManualClock } from '@maxllm/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import OpenAI, { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countTextTokens } from './tokens';
import { createMockServer, type MockServer } from './index';

let server: MockServer;
let client: OpenAI;
const extra: MockServer[] = [];

beforeAll(async () => {
  server = await createMockServer({ seed: 3 });
  client = new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 });
});
afterAll(() => server.close());
afterEach(async () => {
  await Promise.all(extra.splice(0).map((other) => other.close()));
});

function textOf(response: OpenAI.Responses.Response): string {
  return response.output
    .flatMap((item) => (item.type === 'message' ? item.content : []))
    .map((part) => (part.type === 'output_text' ? part.text : ''))
    .join('');
}

describe('POST /v1/responses', () => {
  it('answers a string input with one output message, real token counts and usage details', async () => {
    const response = await client.responses.create({
      model: 'gpt-5-mini',
      instructions: 'You are terse.',
      input: 'Say something about rivers.',
    });
    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe('completed');
    expect(response.instructions).toBe('You are terse.');
    const text = textOf(response);
    expect(text.length).toBeGreaterThan(0);
    expect(response.output_text).toBe(text);
    const usage = response.usage!;
    expect(usage.output_tokens).toBe(countTextTokens(text));
    expect(usage.input_tokens).toBe(
      3 +
        3 * 2 +
        countTextTokens('developer') +
        countTextTokens('You are terse.') +
        countTextTokens('user') +
        countTextTokens('Say something about rivers.'),
    );
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(usage.input_tokens_details.cached_tokens).toBe(0);
    expect(usage.output_tokens_details.reasoning_tokens).toBe(0);
    expect(response.service_tier).toBe('default');
  });

  it('takes a list of input messages and answers the same request with the same text', async () => {
    const input: OpenAI.Responses.ResponseInput = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: [{ type: 'input_text', text: 'Again' }] },
    ];
    const first = await client.responses.create({ model: 'gpt-5-mini', input });
    const second = await client.responses.create({ model: 'gpt-5-mini', input });
    expect(textOf(second)).toBe(textOf(first));
    expect(second.id).not.toBe(first.id);
  });

  it('reports reasoning tokens and a reasoning item when reasoning.effort is set', async () => {
    const response = await client.responses.create({
      model: 'o4-mini',
      input: 'Think',
      reasoning: { effort: 'low' },
    });
    expect(response.output[0]!.type).toBe('reasoning');
    const usage = response.usage!;
    expect(usage.output_tokens_details.reasoning_tokens).toBe(64);
    expect(usage.output_tokens).toBe(countTextTokens(response.output_text) + 64);
  });

  it('reports cached input tokens when a long input is repeated', async () => {
    const request = { model: 'gpt-5', input: 'alpha beta gamma delta '.repeat(400) };
    const first = await client.responses.create(request);
    const second = await client.responses.create(request);
    expect(first.usage!.input_tokens_details.cached_tokens).toBe(0);
    const cached = second.usage!.input_tokens_details.cached_tokens;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect((cached - 1024) % 128).toBe(0);
  });

  it('caps the output at max_output_tokens: status incomplete', async () => {
    const response = await client.responses.create({
      model: 'gpt-5-mini',
      input: 'Long story',
      max_output_tokens: 5,
    });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details?.reason).toBe('max_output_tokens');
    expect(response.usage!.output_tokens).toBe(5);
  });

  it('answers text.format json_schema with output valid against the schema', async () => {
    const schema = {
      type: 'object',
      properties: {
        city: { type: 'string' },
        population: { type: 'integer', minimum: 0 },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
      },
      required: ['city', 'population', 'tags'],
      additionalProperties: false,
    };
    const response = await client.responses.create({
      model: 'gpt-5-mini',
      input: 'A city',
      text: { format: { type: 'json_schema', name: 'city', schema, strict: true } },
    });
    const value: unknown = JSON.parse(response.output_text);
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    expect(response.text?.format?.type).toBe('json_schema');
  });

  it('answers text.format json_object with a JSON object', async () => {
    const response = await client.responses.create({
      model: 'gpt-5-mini',
      input: 'JSON please',
      text: { format: { type: 'json_object' } },
    });
    const value: unknown = JSON.parse(response.output_text);
    expect(typeof value).toBe('object');
    expect(Array.isArray(value)).toBe(false);
  });

  it('streams the same text as deltas, then response.completed with usage', async () => {
    const request = { model: 'gpt-5-mini', input: 'Stream me' };
    const plain = await client.responses.create(request);
    const stream = await client.responses.create({ ...request, stream: true });
    const types: string[] = [];
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types.filter((type) => type === 'response.output_text.delta').length).toBeGreaterThan(1);
    expect(text).toBe(textOf(plain));
    expect(completed!.usage!.output_tokens).toBe(plain.usage!.output_tokens);
  });

  it('streams with the SDK stream helper (event: lines), ending in response.incomplete when capped', async () => {
    const stream = client.responses.stream({ model: 'gpt-5-mini', input: 'Capped', max_output_tokens: 3 });
    const final = await stream.finalResponse();
    expect(final.status).toBe('incomplete');
    expect(final.usage!.output_tokens).toBe(3);
  });

  it('echoes service_tier as OpenAI reports it', async () => {
    const tier = async (service_tier?: OpenAI.Responses.ResponseCreateParams['service_tier']) =>
      (await client.responses.create({ model: 'gpt-5-mini', input: 'x', service_tier })).service_tier;
    expect(await tier('flex')).toBe('flex');
    expect(await tier('priority')).toBe('priority');
    expect(await tier('auto')).toBe('default');
    expect(await tier(undefined)).toBe('default');
    const chat = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      service_tier: 'flex',
    });
    expect(chat.service_tier).toBe('flex');
  });

  it('rejects a missing input, a bad text.format and an unknown service_tier with a 400 naming the parameter', async () => {
    const param = async (body: Record<string, unknown>) =>
      (
        (await client.responses
          .create(body as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming)
          .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.BadRequestError>
      ).param;
    expect(await param({ model: 'gpt-5-mini' })).toBe('input');
    expect(await param({ model: 'gpt-5-mini', input: [] })).toBe('input');
    expect(await param({ model: 'gpt-5-mini', input: [{ content: 'x' }] })).toBe('input[0].role');
    expect(await param({ model: 'gpt-5-mini', input: 'x', text: { format: { type: 'xml' } } })).toBe(
      'text.format.type',
    );
    expect(
      await param({ model: 'gpt-5-mini', input: 'x', text: { format: { type: 'json_schema', name: 'a' } } }),
    ).toBe('text.format.schema');
    expect(await param({ model: 'gpt-5-mini', input: 'x', service_tier: 'gold' })).toBe('service_tier');
  });
});

describe('the flex resource_unavailable fault', () => {
  it('answers a flex request 429 resource_unavailable, never a default-tier one, and charges no window', async () => {
    const other = await createMockServer({ limits: { rpm: 2 } });
    extra.push(other);
    const sdk = new OpenAI({ baseURL: other.url, apiKey: 'sk-test', maxRetries: 0 });
    other.enqueueFaults([{ fault: 'flex_unavailable' }]);
    const plain = await sdk.responses.create({ model: 'gpt-5-mini', input: 'default tier' });
    expect(plain.status).toBe('completed');
    const error = (await sdk.responses
      .create({ model: 'gpt-5-mini', input: 'flex', service_tier: 'flex' })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.code).toBe('resource_unavailable');
    expect(error.message).toMatch(/Resource unavailable/);
    // rpm 2: the 429 did not use the second request of the window.
    const flex = await sdk.responses.create({ model: 'gpt-5-mini', input: 'flex', service_tier: 'flex' });
    expect(flex.service_tier).toBe('flex');
  });

  it('draws flexUnavailableRate only for flex requests', async () => {
    const other = await createMockServer({ faults: { flexUnavailableRate: 1 } });
    extra.push(other);
    const sdk = new OpenAI({ baseURL: other.url, apiKey: 'sk-test', maxRetries: 0 });
    await expect(
      sdk.responses.create({ model: 'gpt-5-mini', input: 'x', service_tier: 'default' }),
    ).resolves.toBeDefined();
    await expect(
      sdk.responses.create({ model: 'gpt-5-mini', input: 'x', service_tier: 'flex' }),
    ).rejects.toThrow(/Resource unavailable/);
  });
});

describe('rate limits', () => {
  it('apply to /v1/responses as to chat, charging input + max_output_tokens', async () => {
    const other = await createMockServer({ limits: { tpm: 100 } });
    extra.push(other);
    const sdk = new OpenAI({ baseURL: other.url, apiKey: 'sk-test', maxRetries: 0 });
    const ok = await sdk.responses
      .create({ model: 'gpt-5-mini', input: 'x', max_output_tokens: 60 })
      .withResponse();
    expect(ok.response.headers.get('x-ratelimit-remaining-tokens')).not.toBeNull();
    const error = (await sdk.responses
      .create({ model: 'gpt-5-mini', input: 'x', max_output_tokens: 60 })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.type).toBe('tokens');
  });
});

describe('batches of /v1/responses lines', () => {
  it('runs them through the same handler: output lines carry Response bodies', async () => {
    const clock = createManualClock(1_700_000_000_000);
    const other = await createMockServer({ clock, batch: { stepMs: 10 } });
    extra.push(other);
    const sdk = new OpenAI({ baseURL: other.url, apiKey: 'sk-test', maxRetries: 0 });
    const body = { model: 'gpt-5-mini', input: 'In a batch', service_tier: 'flex' };
    const lines = [
      { custom_id: 'a', method: 'POST', url: '/v1/responses', body },
      { custom_id: 'b', method: 'POST', url: '/v1/responses', body: { model: 'gpt-5-mini' } },
    ];
    const file = await sdk.files.create({
      file: await toFile(Buffer.from(lines.map((line) => JSON.stringify(line)).join('\n')), 'in.jsonl'),
      purpose: 'batch',
    });
    const batch = await sdk.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/responses',
      completion_window: '24h',
    });
    clock.advance(10);
    clock.advance(10);
    clock.advance(10);
    const done = await sdk.batches.retrieve(batch.id);
    expect(done.status).toBe('completed');
    expect(done.request_counts).toEqual({ total: 2, completed: 1, failed: 1 });
    const row = JSON.parse((await (await sdk.files.content(done.output_file_id!)).text()).trim()) as {
      custom_id: string;
      response: { body: OpenAI.Responses.Response };
    };
    expect(row.custom_id).toBe('a');
    expect(row.response.body.object).toBe('response');
    expect(textOf(row.response.body)).toBe(textOf(await sdk.responses.create(body as never)));
    const errorRow = JSON.parse((await (await sdk.files.content(done.error_file_id!)).text()).trim()) as {
      response: { status_code: number; body: { error: { param: string } } };
    };
    expect(errorRow.response.status_code).toBe(400);
    expect(errorRow.response.body.error.param).toBe('input');
  });
});
