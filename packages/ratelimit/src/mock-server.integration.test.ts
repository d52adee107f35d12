import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from './create-rate-limiter';
import { estimateChatTokens } from './estimate-tokens';

const model = 'gpt-4o-mini';
const maxTokens = 60;

interface ChatAnswer {
  usage: { prompt_tokens: number; completion_tokens: number };
}

async function chat(server: MockServer, content: string): Promise<Response> {
  return fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, max_tokens: maxTokens, messages: [{ role: 'user', content }] }),
  });
}

describe('against @maxllm/mock-server with strict limits', () => {
  let server: MockServer;
  beforeAll(async () => {
    // Output lengths vary ±50% around 40 tokens; the server charges prompt + max_tokens at admission, as OpenAI does.
    server = await createMockServer({
      limits: { rpm: 120, tpm: 6000 },
      windowMs: 1000,
      output: { meanTokens: 40, spread: 0.5 },
    });
  });
  afterAll(() => server.close());

  it('sends a few hundred requests with zero 429s', async () => {
    const limiter = createRateLimiter({ rpm: 120, tpm: 6000, concurrency: 16, intervalMs: 1000 });
    const prompts = Array.from(
      { length: 300 },
      (_, index) => `Question ${index}: ${'why '.repeat(index % 13)}?`,
    );
    let completionTokens = 0;
    const worker = async () => {
      for (let content = prompts.pop(); content !== undefined; content = prompts.pop()) {
        const messages = [{ role: 'user', content }];
        const permit = await limiter.acquire({ tokens: estimateChatTokens(messages, model) + maxTokens });
        const response = await chat(server, content);
        limiter.observe(response.headers);
        expect(response.status).toBe(200);
        const answer = (await response.json()) as ChatAnswer;
        completionTokens += answer.usage.completion_tokens;
        permit.settle({ tokens: answer.usage.prompt_tokens + maxTokens });
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const stats = server.stats();
    expect(stats.rateLimited).toBe(0);
    expect(stats.byModel[model]?.requests).toBe(300);
    expect(completionTokens).toBeGreaterThan(300 * 20);
    await limiter.close();
  }, 30_000);

  it('(control) the same load without the limiter does get 429s', async () => {
    server.reset();
    const responses = await Promise.all(
      Array.from({ length: 150 }, (_, index) => chat(server, `q ${index}`)),
    );
    await Promise.all(responses.map((response) => response.arrayBuffer()));
    expect(server.stats().rateLimited).toBeGreaterThan(0);
  });
});
