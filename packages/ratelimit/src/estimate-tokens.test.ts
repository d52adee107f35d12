import { describe, expect, it } from 'vitest';
import { countTokens, encodingForModel } from './encoding';
import {
  IMAGE_TOKENS,
  LOW_DETAIL_IMAGE_TOKENS,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_REPLY,
  estimateChatTokens,
  estimateTextTokens,
} from './estimate-tokens';

describe('encodingForModel', () => {
  it.each([
    ['gpt-4o-mini', 'o200k_base'],
    ['gpt-4.1-nano', 'o200k_base'],
    ['gpt-5', 'o200k_base'],
    ['o3-mini', 'o200k_base'],
    ['openai/o1', 'o200k_base'],
    ['gpt-4-turbo', 'cl100k_base'],
    ['gpt-3.5-turbo', 'cl100k_base'],
    ['text-embedding-3-small', 'cl100k_base'],
    ['llama-3-70b', 'cl100k_base'],
  ])('%s uses %s', (model, encoding) => {
    expect(encodingForModel(model)).toBe(encoding);
  });

  it('counts differently with the two encodings', () => {
    const text = 'Ünïcødé tokenisation differs between encodings: 你好，世界';
    expect(countTokens(text, 'gpt-4o')).not.toBe(countTokens(text, 'gpt-4'));
  });
});

describe('estimateChatTokens', () => {
  const model = 'gpt-4o-mini';
  const hello = countTokens('Hello there', model);
  const role = (name: string) => countTokens(name, model);

  it('counts string content plus per-message and reply overhead', () => {
    expect(estimateChatTokens([{ role: 'user', content: 'Hello there' }], model)).toBe(
      TOKENS_PER_REPLY + TOKENS_PER_MESSAGE + role('user') + hello,
    );
  });

  it('matches the known count for a short conversation (OpenAI cookbook rule)', () => {
    // "user" is 1 token and "Hello there" 2 in o200k: 3 (reply) + 3 (message) + 1 + 2.
    expect(estimateChatTokens([{ role: 'user', content: 'Hello there' }], model)).toBe(9);
  });

  it('counts text parts, a fixed cost per image and nothing for null content', () => {
    const messages = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hello there' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } },
        ],
      },
      { role: 'assistant', content: null },
    ];
    expect(estimateChatTokens(messages, model)).toBe(
      TOKENS_PER_REPLY +
        2 * TOKENS_PER_MESSAGE +
        role('user') +
        role('assistant') +
        hello +
        IMAGE_TOKENS +
        LOW_DETAIL_IMAGE_TOKENS,
    );
  });

  it('counts names, tool calls and tool results', () => {
    const base = estimateChatTokens([{ role: 'assistant', content: null }], model);
    const withCall = estimateChatTokens(
      [
        {
          role: 'assistant',
          content: null,
          name: 'bot',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' } },
          ],
        },
      ],
      model,
    );
    const expected =
      1 +
      countTokens('bot', model) +
      TOKENS_PER_MESSAGE +
      countTokens('lookup', model) +
      countTokens('{"city":"Paris"}', model);
    expect(withCall - base).toBe(expected);
    const tool = estimateChatTokens([{ role: 'tool', tool_call_id: 'c1', content: 'sunny' }], model);
    expect(tool).toBe(
      TOKENS_PER_REPLY +
        TOKENS_PER_MESSAGE +
        role('tool') +
        countTokens('c1', model) +
        countTokens('sunny', model),
    );
  });

  it('counts tool definitions as their JSON', () => {
    const messages = [{ role: 'user', content: 'hi' }];
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
    expect(estimateChatTokens(messages, model, { tools }) - estimateChatTokens(messages, model)).toBe(
      countTokens(JSON.stringify(tools), model),
    );
  });

  it('does not throw on special-token text in user content', () => {
    expect(estimateChatTokens([{ role: 'user', content: '<|endoftext|>' }], model)).toBeGreaterThan(6);
  });
});

describe('estimateTextTokens', () => {
  it('counts a string, an array of strings and token-id arrays', () => {
    const one = estimateTextTokens('The quick brown fox', 'text-embedding-3-small');
    expect(one).toBe(4);
    expect(estimateTextTokens(['The quick brown fox', 'The quick brown fox'], 'text-embedding-3-small')).toBe(
      8,
    );
    expect(estimateTextTokens([1, 2, 3], 'babbage-002')).toBe(3);
    expect(estimateTextTokens([[1, 2], [3]], 'babbage-002')).toBe(3);
    expect(estimateTextTokens('', 'gpt-4o')).toBe(0);
  });
});
