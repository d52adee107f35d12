import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OutputValidationError } from './errors';
import { completionText, extractResult, isCacheable } from './extract-result';
import { prepareRequest } from './prepare-request';
import { parseJsonLenient } from './parse-json-lenient';
import { readUsage } from './usage';
import type { RequestTarget } from './types';

const chat: RequestTarget = { model: 'm', uniqueName: 'm', mode: 'chat' };
const answer = (content: string | null, finish = 'stop') => ({
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }],
  usage: {
    prompt_tokens: 10,
    completion_tokens: 3,
    prompt_tokens_details: { cached_tokens: 4 },
    completion_tokens_details: { reasoning_tokens: 1 },
  },
});

describe('extractResult', () => {
  it('returns chat text, or the raw response when asked', () => {
    const response = answer('hello');
    expect(extractResult(prepareRequest({ prompt: 'x' }, chat), response)).toBe('hello');
    expect(extractResult(prepareRequest({ prompt: 'x', raw: true }, chat), response)).toBe(response);
    expect(completionText(prepareRequest({ prompt: 'x' }, chat), response)).toBe('hello');
  });

  it('parses and validates structured output, leniently', () => {
    const schema = z.object({ city: z.string(), population: z.number().optional() });
    const prepared = prepareRequest({ prompt: 'x', jsonFormat: schema }, chat);
    expect(extractResult(prepared, answer('```json\n{"city":"Paris","population":null}\n```'))).toEqual({
      city: 'Paris',
    });
    expect(() => extractResult(prepared, answer('{"town":"Paris"}'))).toThrow(OutputValidationError);
    expect(() => extractResult(prepared, answer('no json here'))).toThrow(OutputValidationError);
  });

  it('accepts a bare value for a one-field schema', () => {
    const prepared = prepareRequest({ prompt: 'x', jsonFormat: z.object({ answer: z.number() }) }, chat);
    expect(extractResult(prepared, answer('4'))).toEqual({ answer: 4 });
  });

  it('decodes embeddings, float or base64, in index order', () => {
    const target: RequestTarget = { model: 'e', uniqueName: 'e', mode: 'embedding' };
    const floats = new Float32Array([0.5, -0.25]);
    const base64 = Buffer.from(floats.buffer).toString('base64');
    const response = {
      data: [
        { index: 1, embedding: base64 },
        { index: 0, embedding: [1, 2] },
      ],
    };
    expect(extractResult(prepareRequest({ prompt: ['a', 'b'] }, target), response)).toEqual([
      [1, 2],
      [0.5, -0.25],
    ]);
    expect(
      extractResult(prepareRequest({ prompt: 'a' }, target), { data: [{ index: 0, embedding: [3] }] }),
    ).toEqual([3]);
  });

  it('reads legacy completion text', () => {
    const prepared = prepareRequest({ prompt: 'x', callMethod: 'completion' }, chat);
    expect(extractResult(prepared, { choices: [{ text: 'done', finish_reason: 'stop' }] })).toBe('done');
  });
});

describe('isCacheable', () => {
  it('refuses answers cut by a limit nobody asked for, and empty answers', () => {
    expect(isCacheable(prepareRequest({ prompt: 'x' }, chat), answer('a'))).toBe(true);
    expect(isCacheable(prepareRequest({ prompt: 'x' }, chat), answer('a', 'length'))).toBe(false);
    expect(isCacheable(prepareRequest({ prompt: 'x', max_tokens: 5 }, chat), answer('a', 'length'))).toBe(
      true,
    );
    expect(isCacheable(prepareRequest({ prompt: 'x' }, chat), { choices: [] })).toBe(false);
  });
});

describe('readUsage', () => {
  it('reads chat usage with details, and says unknown when there is none', () => {
    expect(readUsage(answer('a'))).toEqual({
      inputTokens: 10,
      outputTokens: 3,
      cachedInputTokens: 4,
      reasoningTokens: 1,
    });
    expect(readUsage({ choices: [] })).toBeUndefined();
    expect(readUsage({ usage: { prompt_tokens: 5, total_tokens: 5 } })).toEqual({
      inputTokens: 5,
      outputTokens: 0,
      cachedInputTokens: 0,
      reasoningTokens: 0,
    });
  });
});

describe('parseJsonLenient', () => {
  it('finds JSON in fences, prose and think blocks, keeping falsy values and key case', () => {
    expect(parseJsonLenient('Sure! {"Answer": 4} hope it helps')).toEqual({ Answer: 4 });
    expect(parseJsonLenient('<think>{"no":1}</think>[1, 2,]')).toEqual([1, 2]);
    expect(parseJsonLenient('0')).toBe(0);
    expect(parseJsonLenient('false')).toBe(false);
  });
});
