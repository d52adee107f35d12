import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors';
import { prepareRequest } from './prepare-request';
import type { RequestTarget } from './types';

const chat: RequestTarget = { model: 'gpt-4o-mini', uniqueName: 'openai/gpt-4o-mini', mode: 'chat' };
const embedding: RequestTarget = { model: 'text-embedding-3-small', uniqueName: 'emb', mode: 'embedding' };

/** The error `prepareRequest` throws for a request built at run time (from JSON, from Python habits...). */
function failure(request: Record<string, unknown>, target = chat): InvalidRequestError {
  try {
    prepareRequest(request, target);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error('expected prepareRequest to throw');
}

describe('prepareRequest: unknown keys', () => {
  it.each([
    ['system_prompt', 'systemPrompt'],
    ['history_messages', 'historyMessages'],
    ['json_mode', 'jsonMode'],
    ['json_format', 'jsonFormat'],
    ['request_flag', 'requestFlag'],
    ['call_method', 'callMethod'],
    ['timeout', 'timeoutMs'],
    ['inputs', 'input'],
    ['texts', 'input'],
    ['stream', 'stream()'],
  ])("refuse the Python spelling '%s', naming '%s'", (key, name) => {
    const error = failure({ prompt: 'hi', [key]: 1 });
    expect(error.message).toContain(`'${key}'`);
    expect(error.message).toContain(name);
  });

  it('refuse a misspelt key, naming it and the option it is closest to', () => {
    expect(failure({ prompt: 'hi', focre: true }).message).toMatch(/'focre'.*did you mean 'force'/);
    expect(failure({ prompt: 'hi', metaa: 1 }).message).toMatch(/'metaa'.*did you mean 'meta'/);
    expect(failure({ prompt: 'hi', temprature: 0 }).message).toMatch(/did you mean 'temperature'/);
  });

  it('refuse a key with an undefined value too, and one no endpoint takes, pointing at extraBody', () => {
    expect(failure({ prompt: 'hi', system_prompt: undefined }).message).toContain('systemPrompt');
    expect(failure({ prompt: 'hi', repetition_penalty: 1.1 }).message).toContain("'extraBody'");
  });

  it('accept the body parameters of every endpoint', () => {
    expect(() => prepareRequest({ prompt: 'hi', reasoning_effort: 'low', seed: 1 }, chat)).not.toThrow();
    expect(() =>
      prepareRequest({ prompt: 'hi', max_output_tokens: 5, truncation: 'auto' }, chat),
    ).not.toThrow();
    expect(() => prepareRequest({ input: 'hi', dimensions: 8 }, embedding)).not.toThrow();
    expect(() => prepareRequest({ prompt: 'hi', echo: true, best_of: 1 }, chat)).not.toThrow();
  });

  it("refuse a string 'text' on an embedding model, naming 'input'", () => {
    expect(failure({ text: 'hi' }, embedding).message).toContain("use 'input'");
  });
});

describe('prepareRequest: extraBody', () => {
  it('sends provider-specific parameters as they are, last, and keys them', () => {
    const prepared = prepareRequest(
      { prompt: 'hi', temperature: 0, extraBody: { top_k: 5, temperature: 1 } },
      chat,
    );
    expect(prepared.body).toMatchObject({ top_k: 5, temperature: 1 });
    expect(prepared.body).not.toHaveProperty('extraBody');
    expect(prepared.cacheKey).not.toBe(prepareRequest({ prompt: 'hi', temperature: 0 }, chat).cacheKey);
  });
});
