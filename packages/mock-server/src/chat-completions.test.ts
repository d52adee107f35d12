import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTextTokens } from './tokens';
import { createMockServer, type MockServer } from './index';

let server: MockServer;
let client: OpenAI;

beforeAll(async () => {
  server = await createMockServer({ seed: 7 });
  client = new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 });
});
afterAll(() => server.close());

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say something about rivers.' },
];

describe('chat completions', () => {
  it('answers with the OpenAI shape and real token counts', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe('gpt-4o-mini');
    const choice = completion.choices[0]!;
    expect(choice.message.role).toBe('assistant');
    expect(choice.finish_reason).toBe('stop');
    const content = choice.message.content!;
    expect(content.length).toBeGreaterThan(0);
    const usage = completion.usage!;
    expect(usage.completion_tokens).toBe(countTextTokens(content));
    // 2 messages × (3 + role + content) + 3 primer
    const expectedPrompt =
      3 +
      3 * 2 +
      countTextTokens('system') +
      countTextTokens('user') +
      countTextTokens(messages[0]!.content) +
      countTextTokens(messages[1]!.content);
    expect(usage.prompt_tokens).toBe(expectedPrompt);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(usage.completion_tokens_details?.reasoning_tokens).toBe(0);
  });

  it('gives the same content for the same request and different content for another', async () => {
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const other = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Other.' }],
    });
    expect(second.choices[0]!.message.content).toBe(first.choices[0]!.message.content);
    expect(other.choices[0]!.message.content).not.toBe(first.choices[0]!.message.content);
    expect(second.id).not.toBe(first.id);
  });

  it('caps the output at max_completion_tokens with finish_reason length', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      max_completion_tokens: 5,
    });
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.usage!.completion_tokens).toBe(5);
    expect(countTextTokens(completion.choices[0]!.message.content!)).toBe(5);
  });

  it('returns n choices', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, n: 3 });
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    const total = completion.choices.reduce(
      (sum, choice) => sum + countTextTokens(choice.message.content!),
      0,
    );
    expect(completion.usage!.completion_tokens).toBe(total);
  });

  it('reports reasoning tokens when reasoning_effort is set', async () => {
    const completion = await client.chat.completions.create({
      model: 'o4-mini',
      messages,
      reasoning_effort: 'low',
    });
    const usage = completion.usage!;
    expect(usage.completion_tokens_details!.reasoning_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBe(
      countTextTokens(completion.choices[0]!.message.content!) +
        usage.completion_tokens_details!.reasoning_tokens!,
    );
  });

  it('reports cached prompt tokens when a long prompt is repeated', async () => {
    const long = 'alpha beta gamma delta '.repeat(400);
    const request = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: long }] };
    const first = await client.chat.completions.create(request);
    const second = await client.chat.completions.create(request);
    expect(first.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
    const cached = second.usage!.prompt_tokens_details!.cached_tokens!;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect((cached - 1024) % 128).toBe(0);
    expect(cached).toBeLessThanOrEqual(second.usage!.prompt_tokens);
  });

  it('honours the output mean and spread', async () => {
    const fixed = await createMockServer({ output: { meanTokens: 12, spread: 0 } });
    try {
      const sdk = new OpenAI({ baseURL: fixed.url, apiKey: 'x', maxRetries: 0 });
      for (const content of ['a', 'b', 'c']) {
        const completion = await sdk.chat.completions.create({
          model: 'm',
          messages: [{ role: 'user', content }],
        });
        expect(completion.usage!.completion_tokens).toBe(12);
      }
    } finally {
      await fixed.close();
    }
  });

  it('streams the same content with a final usage chunk', async () => {
    const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(plain.choices[0]!.message.content);
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.completion_tokens).toBe(plain.usage!.completion_tokens);
    expect(chunks[chunks.length - 2]!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('streams without a usage chunk unless asked', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.choices.length === 1 && chunk.usage === undefined)).toBe(true);
  });

  it('answers json_object with a JSON object', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      response_format: { type: 'json_object' },
    });
    const value: unknown = JSON.parse(completion.choices[0]!.message.content!);
    expect(typeof value).toBe('object');
    expect(Array.isArray(value)).toBe(false);
  });

  it('calls the forced tool with arguments matching its parameters', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
      tool_choice: 'required',
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    const args = JSON.parse(call.type === 'function' ? call.function.arguments : '{}');
    expect(typeof args.city).toBe('string');
  });

  it('rejects a request without messages with a 400 naming the parameter', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini' } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
  });
});
