import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors';
import { prepareRequest } from './prepare-request';
import type { CompleteRequest, RequestTarget } from './types';

const chat: RequestTarget = { model: 'gpt-4o-mini', uniqueName: 'openai/gpt-4o-mini', mode: 'chat' };
const embedding: RequestTarget = { model: 'text-embedding-3-small', uniqueName: 'emb', mode: 'embedding' };
const responses: RequestTarget = { ...chat, api: 'responses' };
const completion: RequestTarget = {
  model: 'gpt-3.5-turbo-instruct',
  uniqueName: 'instruct',
  mode: 'completion',
};

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
    expect(() => prepareRequest({ prompt: 'hi', max_output_tokens: 5 }, chat)).not.toThrow();
    expect(() =>
      prepareRequest({ prompt: 'hi', max_output_tokens: 5, truncation: 'auto' }, responses),
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

describe('prepareRequest: a body parameter of another endpoint', () => {
  const chatPath = 'chat \\(/v1/chat/completions\\)';
  const responsesPath = 'responses \\(/v1/responses\\)';
  const embeddingsPath = 'embeddings \\(/v1/embeddings\\)';
  const completionsPath = 'completions \\(/v1/completions\\)';
  it.each([
    ['dimensions', 8, chat, chatPath, embeddingsPath],
    ['encoding_format', 'float', chat, chatPath, embeddingsPath],
    ['dimensions', 8, responses, responsesPath, embeddingsPath],
    ['truncation', 'auto', chat, chatPath, responsesPath],
    ['instructions', 'be brief', chat, chatPath, responsesPath],
    ['text', { verbosity: 'low' }, chat, chatPath, responsesPath],
    ['best_of', 2, chat, chatPath, completionsPath],
    ['verbosity', 'low', responses, responsesPath, chatPath],
    ['web_search_options', {}, responses, responsesPath, chatPath],
    ['seed', 1, embedding, embeddingsPath, `${chatPath}, ${completionsPath}`],
    ['temperature', 0, embedding, embeddingsPath, `${chatPath}, ${completionsPath}, ${responsesPath}`],
    ['max_tokens', 5, embedding, embeddingsPath, `${chatPath}, ${completionsPath}, ${responsesPath}`],
    ['tools', [], completion, completionsPath, `${chatPath}, ${responsesPath}`],
  ])(
    "refuse '%s' (%j) on %o, naming the key, the endpoint and where it belongs",
    (key, value, target, at, owners) => {
      const request = target.mode === 'embedding' ? { input: 'hi' } : { prompt: 'hi' };
      expect(failure({ ...request, [key]: value }, target).message).toMatch(
        new RegExp(
          `^'${key}' is not a parameter of the ${at} endpoint: it belongs to ${owners}[.;].*` +
            "A provider that takes it anyway gets it through 'extraBody'\\.$",
        ),
      );
    },
  );

  it("say what to use instead of 'text' on chat and embeddings", () => {
    expect(failure({ text: 'hi' }, embedding).message).toContain("; use 'input'.");
    expect(failure({ prompt: 'hi', text: { verbosity: 'low' } }, chat).message).toContain(
      "use 'response_format'",
    );
  });

  it.each([
    [
      'chat',
      chat,
      { prompt: 'hi', max_tokens: 5, max_output_tokens: 5, reasoning_effort: 'low', verbosity: 'low' },
    ],
    [
      'responses',
      responses,
      {
        prompt: 'hi',
        max_tokens: 5,
        reasoning_effort: 'low',
        response_format: { type: 'json_object' },
        text: {},
      },
    ],
    [
      'completions',
      completion,
      { prompt: 'hi', best_of: 1, echo: true, max_completion_tokens: 5, suffix: '.' },
    ],
    [
      'completions (a chat model asked for echo)',
      chat,
      { prompt: 'hi', echo: true, best_of: 1, suffix: '.' },
    ],
    ['embeddings', embedding, { input: 'hi', dimensions: 8, encoding_format: 'float', user: 'u' }],
  ] satisfies Array<[string, RequestTarget, CompleteRequest]>)(
    'accept what the %s endpoint takes, translated names included',
    (_name, target, request: CompleteRequest) => {
      expect(() => prepareRequest(request, target)).not.toThrow();
    },
  );

  it("send another endpoint's parameter through extraBody, and let an undefined one pass (it is not sent)", () => {
    const prepared = prepareRequest({ prompt: 'hi', extraBody: { dimensions: 8 } }, chat);
    expect(prepared.body).toMatchObject({ dimensions: 8 });
    const unset = prepareRequest({ prompt: 'hi', dimensions: undefined }, chat);
    expect(unset.body).not.toHaveProperty('dimensions');
  });
});
