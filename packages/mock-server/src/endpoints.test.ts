import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTextTokens } from './tokens';
import { createMockServer, type MockServer } from './index';

let server: MockServer;
let client: OpenAI;

beforeAll(async () => {
  server = await createMockServer({ models: { 'my-model': { rpm: 5 } } });
  client = new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 });
});
afterAll(() => server.close());

describe('embeddings', () => {
  it('returns deterministic unit vectors of 1536 dims, decoded from base64 by the SDK', async () => {
    const first = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    const second = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    const vector = first.data[0]!.embedding;
    expect(vector).toHaveLength(1536);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    expect(second.data[0]!.embedding).toEqual(vector);
    expect(first.usage).toEqual({
      prompt_tokens: countTextTokens('hello'),
      total_tokens: countTextTokens('hello'),
    });
  });

  it('gives the same numbers as float and as base64 (float32 little endian)', async () => {
    const asFloat = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'x',
      encoding_format: 'float',
    });
    const raw = (await client.post('/embeddings', {
      body: { model: 'text-embedding-3-small', input: 'x', encoding_format: 'base64' },
    })) as { data: Array<{ embedding: string }> };
    const bytes = Buffer.from(raw.data[0]!.embedding, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(decoded).toEqual(asFloat.data[0]!.embedding);
  });

  it('embeds arrays of strings and token arrays, honours dimensions', async () => {
    const result = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: ['a', 'b', 'a'],
      dimensions: 64,
    });
    expect(result.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(result.data[0]!.embedding).toHaveLength(64);
    expect(result.data[0]!.embedding).toEqual(result.data[2]!.embedding);
    expect(result.data[0]!.embedding).not.toEqual(result.data[1]!.embedding);
    const tokens = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: [
        [1, 2, 3],
        [4, 5],
      ],
    });
    expect(tokens.usage.prompt_tokens).toBe(5);
  });

  it('rejects an empty input with a 400 naming input', async () => {
    await expect(
      client.embeddings.create({ model: 'text-embedding-3-small', input: '' }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
  });
});

describe('completions (legacy)', () => {
  it('answers with text_completion choices and usage', async () => {
    const result = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: ['One', 'Two'],
      max_tokens: 8,
    });
    expect(result.object).toBe('text_completion');
    expect(result.choices).toHaveLength(2);
    const total = result.choices.reduce((sum, choice) => sum + countTextTokens(choice.text), 0);
    expect(result.usage!.completion_tokens).toBe(total);
    expect(result.choices.every((choice) => countTextTokens(choice.text) <= 8)).toBe(true);
  });

  it('streams the same text', async () => {
    const body = { model: 'gpt-3.5-turbo-instruct', prompt: 'Stream me', max_tokens: 30 };
    const plain = await client.completions.create(body);
    let text = '';
    for await (const chunk of await client.completions.create({ ...body, stream: true }))
      text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(plain.choices[0]!.text);
  });
});

describe('models and errors', () => {
  it('lists configured and default models', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('my-model');
    expect(ids).toContain('gpt-4o-mini');
    expect(ids).toContain('text-embedding-3-small');
    expect((await client.models.retrieve('gpt-4o')).id).toBe('gpt-4o');
  });

  it('answers unknown routes with an OpenAI-style 404', async () => {
    const error = (await client.get('/nothing-here').catch((caught: unknown) => caught)) as InstanceType<
      typeof OpenAI.NotFoundError
    >;
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.message).toContain('Invalid URL (GET /v1/nothing-here)');
  });

  it('answers invalid JSON with a 400', async () => {
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { type: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('requires the API key when one is configured, and never echoes it', async () => {
    const guarded = await createMockServer({ apiKey: 'sk-right-key' });
    try {
      const wrong = new OpenAI({ baseURL: guarded.url, apiKey: 'sk-wrong-key', maxRetries: 0 });
      const error = (await wrong.models.list().catch((caught: unknown) => caught)) as InstanceType<
        typeof OpenAI.AuthenticationError
      >;
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error.code).toBe('invalid_api_key');
      expect(error.message).not.toContain('sk-wrong-key');
      expect(error.message).not.toContain('sk-right-key');
      const right = new OpenAI({ baseURL: guarded.url, apiKey: 'sk-right-key', maxRetries: 0 });
      await expect(right.models.retrieve('gpt-4o')).resolves.toMatchObject({ id: 'gpt-4o' });
    } finally {
      await guarded.close();
    }
  });

  it('counts requests per endpoint template', async () => {
    const before = server.stats();
    await client.models.retrieve('gpt-4o');
    const after = server.stats();
    expect(after.byEndpoint['GET /v1/models/{id}']).toBe((before.byEndpoint['GET /v1/models/{id}'] ?? 0) + 1);
    expect(after.requests).toBe(before.requests + 1);
  });
});
