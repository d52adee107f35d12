import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidRequestError, OutputValidationError } from './errors';
import { completionText, extractResult, isCacheable } from './extract-result';
import { prepareRequest } from './prepare-request';
import type { RequestTarget } from './types';
import { readUsage } from './usage';

const responses: RequestTarget = {
  model: 'gpt-5-mini',
  uniqueName: 'gpt-5-mini',
  mode: 'chat',
  api: 'responses',
};
const chat: RequestTarget = { model: 'gpt-5-mini', uniqueName: 'gpt-5-mini', mode: 'chat' };

function answer(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object: 'response',
    status: 'completed',
    output: [
      { type: 'reasoning', id: 'rs_1', summary: [] },
      {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [] }],
      },
    ],
    usage: {
      input_tokens: 20,
      input_tokens_details: { cached_tokens: 8 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 12 },
      total_tokens: 50,
    },
    ...extra,
  };
}

describe('prepareRequest for the Responses API', () => {
  it('maps prompt to input and systemPrompt to instructions, on /v1/responses', () => {
    const prepared = prepareRequest({ prompt: 'Hi', systemPrompt: 'Be brief', temperature: 0 }, responses);
    expect(prepared.kind).toBe('responses');
    expect(prepared.endpoint).toBe('/v1/responses');
    expect(prepared.body).toEqual({
      model: 'gpt-5-mini',
      input: 'Hi',
      instructions: 'Be brief',
      temperature: 0,
    });
    expect(prepared.promptPreview).toBe('Hi');
    expect(prepared.systemPreview).toBe('Be brief');
  });

  it('maps history and messages to input items, chat content parts to their Responses twins', () => {
    const prepared = prepareRequest(
      {
        prompt: 'Now',
        systemPrompt: 'Sys',
        historyMessages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look' },
              { type: 'image_url', image_url: { url: 'u' } },
            ],
          },
          { role: 'assistant', content: [{ type: 'text', text: 'Seen' }] },
        ],
      },
      responses,
    );
    expect(prepared.body.instructions).toBe('Sys');
    expect(prepared.body.input).toEqual([
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'Look' },
          { type: 'input_image', image_url: 'u', detail: 'auto' },
        ],
      },
      { role: 'assistant', content: [{ type: 'output_text', text: 'Seen', annotations: [] }] },
      { role: 'user', content: 'Now' },
    ]);
    const fromMessages = prepareRequest(
      {
        messages: [
          { role: 'system', content: 'S' },
          { role: 'user', content: 'U' },
        ],
      },
      responses,
    );
    expect(fromMessages.body.input).toEqual([
      { role: 'system', content: 'S' },
      { role: 'user', content: 'U' },
    ]);
    expect(fromMessages.systemPreview).toBe('S');
    expect(fromMessages.promptPreview).toBe('U');
  });

  it('sends input as given', () => {
    const input = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'raw' }] }];
    const prepared = prepareRequest({ input, systemPrompt: 'Sys' }, responses);
    expect(prepared.body).toEqual({ model: 'gpt-5-mini', input, instructions: 'Sys' });
    expect(prepared.promptPreview).toBe('raw');
    expect(() => prepareRequest({ input: 3 as never }, responses)).toThrow(InvalidRequestError);
  });

  it('rejects tool turns and a missing prompt with a typed error naming the field', () => {
    expect(() => prepareRequest({}, responses)).toThrow("'prompt' or 'messages' must be provided.");
    expect(() =>
      prepareRequest({ messages: [{ role: 'tool', content: 'x', tool_call_id: 'c' }] }, responses),
    ).toThrow(/messages\[0\] is a tool turn/);
  });

  it('sends jsonMode as text.format json_object and a zod schema as a strict json_schema, keeping text params', () => {
    const json = prepareRequest({ prompt: 'x', jsonMode: true, text: { verbosity: 'low' } }, responses);
    expect(json.body.text).toEqual({ verbosity: 'low', format: { type: 'json_object' } });
    expect(json.jsonMode).toBe(true);
    const schema = z.object({ city: z.string(), note: z.string().optional() });
    const structured = prepareRequest({ prompt: 'x', jsonFormat: schema }, responses);
    expect(structured.schema).toBe(schema);
    expect(structured.body.text).toEqual({
      format: {
        type: 'json_schema',
        name: 'response',
        strict: true,
        schema: {
          type: 'object',
          properties: { city: { type: 'string' }, note: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
          required: ['city', 'note'],
          additionalProperties: false,
        },
      },
    });
    expect(structured.body).not.toHaveProperty('response_format');
    const chatStyle = prepareRequest(
      { prompt: 'x', response_format: { type: 'json_schema', json_schema: { name: 'n', schema: {} } } },
      responses,
    );
    expect(chatStyle.body.text).toEqual({ format: { type: 'json_schema', name: 'n', schema: {} } });
  });

  it('passes reasoning through, maps reasoning_effort, and sends every token cap as max_output_tokens', () => {
    const prepared = prepareRequest(
      { prompt: 'x', reasoning: { effort: 'high', summary: 'auto' }, max_tokens: 100, service_tier: 'flex' },
      responses,
    );
    expect(prepared.body).toMatchObject({
      reasoning: { effort: 'high', summary: 'auto' },
      max_output_tokens: 100,
      service_tier: 'flex',
    });
    expect(prepared.body).not.toHaveProperty('max_tokens');
    expect(prepared.maxTokens).toBe(100);
    const mapped = prepareRequest(
      { prompt: 'x', reasoning_effort: 'low', max_completion_tokens: 9 },
      responses,
    );
    expect(mapped.body).toMatchObject({ reasoning: { effort: 'low' }, max_output_tokens: 9 });
    expect(mapped.body).not.toHaveProperty('reasoning_effort');
    expect(prepareRequest({ prompt: 'x', max_output_tokens: 5 }, responses).body.max_output_tokens).toBe(5);
  });

  it('follows the call api over the model api, and never shares a cache key between the two APIs', () => {
    const viaChat = prepareRequest({ prompt: 'Hi', api: 'chat' }, responses);
    expect(viaChat.endpoint).toBe('/v1/chat/completions');
    const viaResponses = prepareRequest({ prompt: 'Hi', api: 'responses' }, chat);
    expect(viaResponses.endpoint).toBe('/v1/responses');
    expect(viaResponses.cacheKey).not.toBe(viaChat.cacheKey);
    expect(prepareRequest({ prompt: 'Hi' }, responses).cacheKey).toBe(viaResponses.cacheKey);
    expect(() => prepareRequest({ prompt: 'Hi', api: 'soap' as never }, chat)).toThrow(/'api' must be/);
    expect(prepareRequest({ prompt: 'Hi', callMethod: 'responses' }, chat).endpoint).toBe('/v1/responses');
  });
});

describe('reading Responses answers', () => {
  const plain = prepareRequest({ prompt: 'x' }, responses);

  it('returns the output text, the raw response, or the parsed object', () => {
    expect(extractResult(plain, answer('Hello'))).toBe('Hello');
    expect(completionText(plain, answer('Hello'))).toBe('Hello');
    const raw = prepareRequest({ prompt: 'x', raw: true }, responses);
    const response = answer('Hello');
    expect(extractResult(raw, response)).toBe(response);
    const structured = prepareRequest({ prompt: 'x', jsonFormat: z.object({ n: z.number() }) }, responses);
    expect(extractResult(structured, answer('{"n": 4}'))).toEqual({ n: 4 });
    expect(() => extractResult(structured, answer('{"n": "four"}'))).toThrow(OutputValidationError);
  });

  it('throws on a refusal or an answer without output', () => {
    const refused = {
      status: 'completed',
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] }],
    };
    expect(() => extractResult(plain, refused)).toThrow('The model refused: No.');
    expect(() => extractResult(plain, { status: 'completed' })).toThrow('The response has no output.');
  });

  it('caches completed answers, and incomplete ones only when the caller set the cap', () => {
    const cut = answer('x', { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(isCacheable(plain, answer('x'))).toBe(true);
    expect(isCacheable(plain, cut)).toBe(false);
    expect(isCacheable(prepareRequest({ prompt: 'x', max_output_tokens: 5 }, responses), cut)).toBe(true);
    expect(isCacheable(plain, answer('x', { status: 'failed' }))).toBe(false);
  });

  it('reads usage with cached input and reasoning tokens', () => {
    expect(readUsage(answer('x'))).toEqual({
      inputTokens: 20,
      outputTokens: 30,
      cachedInputTokens: 8,
      reasoningTokens: 12,
    });
  });
});

describe('service tiers', () => {
  it('sends the call tier over the model tier, a service_tier parameter over both, and keys them alike', () => {
    const flexModel = { ...responses, serviceTier: 'flex' };
    expect(prepareRequest({ prompt: 'x' }, flexModel).body.service_tier).toBe('flex');
    expect(prepareRequest({ prompt: 'x', serviceTier: 'priority' }, flexModel).body.service_tier).toBe(
      'priority',
    );
    expect(
      prepareRequest({ prompt: 'x', serviceTier: 'priority', service_tier: 'default' }, flexModel).body
        .service_tier,
    ).toBe('default');
    expect(prepareRequest({ prompt: 'x', serviceTier: 'flex' }, chat).body.service_tier).toBe('flex');
    expect(prepareRequest({ prompt: 'x' }, chat).body).not.toHaveProperty('service_tier');
    expect(prepareRequest({ prompt: 'x' }, flexModel).cacheKey).toBe(
      prepareRequest({ prompt: 'x' }, responses).cacheKey,
    );
    const embedding: RequestTarget = { model: 'e', uniqueName: 'e', mode: 'embedding', serviceTier: 'flex' };
    expect(prepareRequest({ prompt: 'x' }, embedding).body).not.toHaveProperty('service_tier');
  });
});
