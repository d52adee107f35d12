import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidRequestError } from './errors';
import { prepareRequest } from './prepare-request';
import type { RequestTarget } from './types';

const chat: RequestTarget = { model: 'gpt-4o-mini', uniqueName: 'openai/gpt-4o-mini', mode: 'chat' };
const embedding: RequestTarget = { model: 'text-embedding-3-small', uniqueName: 'emb', mode: 'embedding' };

describe('prepareRequest: bodies', () => {
  it('builds system + history + user messages and keeps SDK params', () => {
    const prepared = prepareRequest(
      {
        prompt: 'Hi',
        systemPrompt: 'Be brief',
        historyMessages: [{ role: 'assistant', content: 'Earlier' }],
        temperature: 0,
        force: true,
        meta: { id: 1 },
      },
      chat,
    );
    expect(prepared.endpoint).toBe('/v1/chat/completions');
    expect(prepared.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief' },
        { role: 'assistant', content: 'Earlier' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0,
    });
    expect(prepared.namespace).toBe('openai/gpt-4o-mini');
    expect(prepared.promptPreview).toBe('Hi');
    expect(prepared.systemPreview).toBe('Be brief');
  });

  it('uses messages verbatim when given', () => {
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'look' }] }];
    const prepared = prepareRequest({ messages, prompt: 'ignored' }, chat);
    expect(prepared.body.messages).toEqual(messages);
    expect(prepared.promptPreview).toBe('look');
  });

  it('rejects a request with neither prompt nor messages', () => {
    expect(() => prepareRequest({}, chat)).toThrow(InvalidRequestError);
    expect(() => prepareRequest({}, chat)).toThrow("'prompt' or 'messages' must be provided.");
  });

  it('renames token caps per endpoint as the original does', () => {
    expect(prepareRequest({ prompt: 'x', max_tokens: 50 }, chat).body).toMatchObject({
      max_completion_tokens: 50,
    });
    expect(prepareRequest({ prompt: 'x', max_tokens: 50 }, chat).body).not.toHaveProperty('max_tokens');
    expect(prepareRequest({ prompt: 'x', max_output_tokens: 7 }, chat).maxTokens).toBe(7);
    const completion = prepareRequest(
      { prompt: 'x', max_completion_tokens: 9, callMethod: 'completion' },
      chat,
    );
    expect(completion.endpoint).toBe('/v1/completions');
    expect(completion.body).toEqual({ model: 'gpt-4o-mini', prompt: 'x', max_tokens: 9 });
    expect(prepareRequest({ prompt: 'x', max_tokens: 5, max_completion_tokens: 6 }, chat).maxTokens).toBe(6);
  });

  it('routes echo / numeric logprobs to the completions endpoint', () => {
    expect(prepareRequest({ prompt: 'x', echo: true }, chat).endpoint).toBe('/v1/completions');
    expect(prepareRequest({ prompt: 'x', logprobs: true }, chat).endpoint).toBe('/v1/chat/completions');
  });

  it('sends json_object for jsonMode and a strict json_schema for jsonFormat', () => {
    expect(prepareRequest({ prompt: 'x', jsonMode: true }, chat).body.response_format).toEqual({
      type: 'json_object',
    });
    const schema = z.object({ city: z.string() });
    const prepared = prepareRequest({ prompt: 'x', jsonFormat: schema }, chat);
    expect(prepared.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: {
        strict: true,
        schema: { type: 'object', required: ['city'], additionalProperties: false },
      },
    });
    expect(prepared.schema).toBe(schema);
  });

  it('takes embedding input from prompt or its aliases', () => {
    expect(prepareRequest({ prompt: ['a', 'b'] }, embedding).body).toEqual({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
    });
    expect(prepareRequest({ input: 'a', dimensions: 8 }, embedding).body).toEqual({
      model: 'text-embedding-3-small',
      input: 'a',
      dimensions: 8,
    });
    expect(() => prepareRequest({ prompt: undefined }, embedding)).toThrow(InvalidRequestError);
  });

  it('keeps timeoutMs out of the body: an SDK request option', () => {
    const prepared = prepareRequest({ prompt: 'x', timeoutMs: 1000 }, chat);
    expect(prepared.timeoutMs).toBe(1000);
    expect(prepared.body).not.toHaveProperty('timeoutMs');
    expect(prepared.body).not.toHaveProperty('timeout');
  });
});

describe('prepareRequest: cache keys', () => {
  const key = (request: Parameters<typeof prepareRequest>[0], options?: { requestFlag?: unknown }) =>
    prepareRequest(request, chat, options).cacheKey;

  it('is stable across key order and object identity', () => {
    const a = key({ prompt: 'x', temperature: 0, top_p: 1 });
    const b = key({ top_p: 1, temperature: 0, prompt: 'x' });
    expect(a).toBe(b);
    expect(key({ messages: [{ role: 'user', content: 'x' }] })).toBe(key({ prompt: 'x' }));
  });

  it('changes with anything that changes the answer', () => {
    const base = key({ prompt: 'x' });
    expect(key({ prompt: 'y' })).not.toBe(base);
    expect(key({ prompt: 'x', temperature: 1 })).not.toBe(base);
    expect(key({ prompt: 'x', max_tokens: 10 })).not.toBe(base);
    expect(key({ prompt: 'x', jsonMode: true })).not.toBe(base);
    expect(key({ prompt: 'x', jsonFormat: z.object({ a: z.string() }) })).not.toBe(
      key({ prompt: 'x', jsonFormat: z.object({ b: z.string() }) }),
    );
    expect(prepareRequest({ prompt: 'x' }, { ...chat, model: 'gpt-4o' }).cacheKey).not.toBe(base);
    expect(prepareRequest({ prompt: 'x' }, { ...chat, apiBase: 'http://other/v1' }).cacheKey).not.toBe(base);
  });

  it('ignores what does not change the answer', () => {
    const base = key({ prompt: 'x' });
    expect(key({ prompt: 'x', user: 'u', metadata: { a: '1' }, timeoutMs: 5 })).toBe(base);
    expect(key({ prompt: 'x', extraBody: { stream_options: { include_usage: true } } })).toBe(base);
    expect(key({ prompt: 'x', force: true, meta: 1, raw: true })).toBe(base);
    expect(prepareRequest({ prompt: 'x' }, { ...chat, uniqueName: 'other' }).cacheKey).toBe(base);
  });

  it('gives a truthy request flag its own entries; falsy flags are no flag', () => {
    const base = key({ prompt: 'x' });
    for (const falsy of [undefined, null, false, 0, '']) {
      expect(key({ prompt: 'x', requestFlag: falsy })).toBe(base);
    }
    expect(key({ prompt: 'x', requestFlag: 1 })).not.toBe(base);
    expect(key({ prompt: 'x', requestFlag: 1 })).not.toBe(key({ prompt: 'x', requestFlag: true }));
    expect(key({ prompt: 'x' }, { requestFlag: 'run-2' })).toBe(key({ prompt: 'x', requestFlag: 'run-2' }));
    expect(key({ prompt: 'x', requestFlag: 'a' }, { requestFlag: 'b' })).toBe(
      key({ prompt: 'x', requestFlag: 'a' }),
    );
  });

  it('is computed from a snapshot: mutating the caller objects later changes nothing', () => {
    const messages = [{ role: 'user', content: 'x' }];
    const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object' } } }];
    const prepared = prepareRequest({ messages, tools }, chat);
    const before = JSON.stringify(prepared.body);
    messages[0]!.content = 'changed';
    tools[0]!.function.name = 'g';
    expect(JSON.stringify(prepared.body)).toBe(before);
    expect(
      prepareRequest(
        {
          messages: [{ role: 'user', content: 'x' }],
          tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        },
        chat,
      ).cacheKey,
    ).toBe(prepared.cacheKey);
  });
});
