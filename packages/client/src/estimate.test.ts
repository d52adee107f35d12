import { prepareRequest } from '@maxllm/request';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { estimateInputTokens, outputKey } from './estimate';

const target = { model: 'gpt-4o-mini', uniqueName: 'gpt-4o-mini', mode: 'chat' as const };

describe('estimateInputTokens', () => {
  it('counts messages, tools and a structured-output schema', () => {
    const plain = estimateInputTokens(prepareRequest({ prompt: 'What is the capital of France?' }, target));
    expect(plain).toBeGreaterThan(7);
    const tools = [
      { type: 'function' as const, function: { name: 'lookup_city', parameters: { type: 'object' } } },
    ];
    expect(
      estimateInputTokens(prepareRequest({ prompt: 'What is the capital of France?', tools }, target)),
    ).toBeGreaterThan(plain + 5);
    const jsonFormat = z.object({ city: z.string(), population: z.number() });
    const structured = prepareRequest({ prompt: 'What is the capital of France?', jsonFormat }, target);
    expect(estimateInputTokens(structured)).toBeGreaterThan(plain + 10);
    expect(outputKey(structured)).toBe('chat:json');
  });

  it('counts embedding and completion inputs', () => {
    const embedding = { ...target, model: 'text-embedding-3-small', mode: 'embedding' as const };
    expect(estimateInputTokens(prepareRequest({ input: ['one two', 'three'] }, embedding))).toBe(3);
    const completion = { ...target, mode: 'completion' as const };
    expect(estimateInputTokens(prepareRequest({ prompt: 'hello world' }, completion))).toBe(2);
  });
});
