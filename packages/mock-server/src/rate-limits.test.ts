import { createManualClock } from '@maxllm/core';
import http from 'node:http';
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMockServer, type MockServer, type MockServerOptions } from './index';

const servers: MockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: MockServerOptions): Promise<{ server: MockServer; client: OpenAI }> {
  const server = await createMockServer(options);
  servers.push(server);
  return { server, client: new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 }) };
}

const ask = (content = 'hello') => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content }] });

describe('rate limits', () => {
  it('sends x-ratelimit-* headers and an x-request-id on every model response', async () => {
    const { client } = await start({ limits: { rpm: 10, tpm: 10_000 } });
    const { response } = await client.chat.completions.create(ask()).withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('10');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('9');
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('10000');
    expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(10_000);
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+ms|[\d.]+s|\d+m[\d.]+s)$/);
    expect(response.headers.get('x-ratelimit-reset-tokens')).toMatch(/^(\d+ms|[\d.]+s|\d+m[\d.]+s)$/);
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('answers ungated concurrent requests above the RPM with 429s', async () => {
    const { server, client } = await start({ limits: { rpm: 5 } });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, index) => client.chat.completions.create(ask(`q${index}`))),
    );
    const rejected = results.filter((result) => result.status === 'rejected');
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
    expect(rejected).toHaveLength(7);
    const error = (rejected[0] as PromiseRejectedResult).reason as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.type).toBe('requests');
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.param).toBeNull();
    expect(Number(error.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    expect(Number(error.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(error.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const stats = server.stats();
    expect(stats.rateLimited).toBe(7);
    expect(stats.byModel['gpt-4o-mini']).toMatchObject({ requests: 12, rateLimited: 7 });
  });

  it('admits requests paced under the limit (manual clock, 200 ms window, rpm 4)', async () => {
    const clock = createManualClock(1_700_000_000_000);
    const { server, client } = await start({ limits: { rpm: 4 }, windowMs: 200, clock });
    for (let index = 0; index < 20; index++) {
      await client.chat.completions.create(ask(`q${index}`));
      clock.advance(50);
    }
    expect(server.stats().rateLimited).toBe(0);
    // Requests at 850, 900 and 950 are still in the window at 1000: one more fits, the next does not.
    await client.chat.completions.create(ask('x1'));
    await expect(client.chat.completions.create(ask('x2'))).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('admits requests paced under the limit on the real clock (100 ms window, rpm 5, ≥ 30 ms apart)', async () => {
    // Gaps only grow on a slow machine, so at most 4 requests ever share a 100 ms window: never a 429.
    const { server, client } = await start({ limits: { rpm: 5 }, windowMs: 100 });
    for (let index = 0; index < 15; index++) {
      await client.chat.completions.create(ask(`p${index}`));
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect(server.stats()).toMatchObject({ requests: 15, rateLimited: 0 });
  });

  it('does not let a 429 consume the window', async () => {
    const clock = createManualClock(1_700_000_000_000);
    const { server, client } = await start({ limits: { rpm: 2 }, windowMs: 1000, clock });
    await client.chat.completions.create(ask('a'));
    clock.advance(500);
    await client.chat.completions.create(ask('b'));
    for (let index = 0; index < 5; index++) {
      await expect(client.chat.completions.create(ask('c'))).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    }
    clock.advance(500); // 'a' leaves the window; the 429s left no trace
    const { response } = await client.chat.completions.create(ask('d')).withResponse();
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(server.stats().byModel['gpt-4o-mini']!.rateLimited).toBe(5);
  });

  it('does not remember the prompt of a rate-limited request for prompt caching', async () => {
    const clock = createManualClock(1_700_000_000_000);
    const { client } = await start({ limits: { rpm: 1 }, windowMs: 1000, clock });
    const long = ask('lorem ipsum dolor '.repeat(500));
    await client.chat.completions.create(ask('first'));
    await expect(client.chat.completions.create(long)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    clock.advance(1000);
    const admitted = await client.chat.completions.create(long);
    expect(admitted.usage!.prompt_tokens).toBeGreaterThan(1024);
    expect(admitted.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
  });

  it('tells the wait until the oldest request leaves the window', async () => {
    const clock = createManualClock(1_700_000_000_000);
    const { client } = await start({ limits: { rpm: 1 }, windowMs: 60_000, clock });
    await client.chat.completions.create(ask());
    clock.advance(15_000);
    const error = (await client.chat.completions
      .create(ask())
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.headers.get('retry-after-ms')).toBe('45000');
    expect(error.headers.get('retry-after')).toBe('45');
    expect(error.headers.get('x-ratelimit-reset-requests')).toBe('45s');
  });

  it('limits tokens with reserved accounting (prompt + max_tokens) and type tokens', async () => {
    const { server, client } = await start({ limits: { tpm: 300 } });
    await client.chat.completions.create({ ...ask(), max_tokens: 200 });
    const error = (await client.chat.completions
      .create({ ...ask(), max_tokens: 200 })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.type).toBe('tokens');
    expect(error.message).toContain('tokens per min (TPM)');
    const stats = server.stats().byModel['gpt-4o-mini']!;
    expect(stats.admittedTokens).toBe(stats.promptTokens + 200);
  });

  it('charges prompt + actual output with tokenAccounting actual', async () => {
    const { server, client } = await start({ limits: { tpm: 100_000 }, tokenAccounting: 'actual' });
    const completion = await client.chat.completions.create({ ...ask(), max_tokens: 500 });
    expect(server.stats().byModel['gpt-4o-mini']!.admittedTokens).toBe(completion.usage!.total_tokens);
  });

  it('applies per-model limits over the defaults', async () => {
    const { client } = await start({ limits: { rpm: 100 }, models: { tiny: { rpm: 1 } } });
    await client.chat.completions.create({ ...ask(), model: 'tiny' });
    await expect(client.chat.completions.create({ ...ask(), model: 'tiny' })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    await client.chat.completions.create(ask());
  });

  it('reset() empties the windows and the counters', async () => {
    const { server, client } = await start({ limits: { rpm: 1 } });
    await client.chat.completions.create(ask());
    await expect(client.chat.completions.create(ask())).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    server.reset();
    expect(server.stats().requests).toBe(0);
    await client.chat.completions.create(ask());
  });
});

describe('per-quantum enforcement (quantumMs)', () => {
  it('refuses more than rpm × quantumMs / windowMs requests in any quantum, with a short retry-after', async () => {
    const clock = createManualClock();
    // 600 per minute enforced per second: at most 10 in any trailing second.
    const { server, client } = await start({ limits: { rpm: 600 }, quantumMs: 1000, clock });
    for (let index = 0; index < 10; index++) await client.chat.completions.create(ask(`q${index}`));
    const refused = await client.chat.completions.create(ask('eleventh')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const { headers } = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(Number(headers.get('retry-after-ms'))).toBe(1000);
    // The minute has room (10 of 600): only the quantum refused it, and it counts in stats().
    expect(headers.get('x-ratelimit-remaining-requests')).toBe('590');
    expect(server.stats()).toMatchObject({ rateLimited: 1, byModel: { 'gpt-4o-mini': { rateLimited: 1 } } });
    clock.advance(1000);
    await client.chat.completions.create(ask('next quantum'));
    // Paced at 100 ms, the same load is never refused.
    const paced = await start({ limits: { rpm: 600 }, quantumMs: 1000, clock });
    for (let index = 0; index < 30; index++) {
      await paced.client.chat.completions.create(ask(`p${index}`));
      clock.advance(100);
    }
    expect(paced.server.stats().rateLimited).toBe(0);
  });

  it('counts a request when it arrives, not when its body has been read and its answer generated', async () => {
    const clock = createManualClock();
    const { server, client } = await start({ limits: { rpm: 600 }, quantumMs: 1000, clock });
    for (let index = 0; index < 10; index++) await client.chat.completions.create(ask(`q${index}`));
    clock.advance(999);
    // The eleventh request's headers arrive inside the quantum of the first ten; its body only after it.
    const body = JSON.stringify(ask('slow body'));
    const request = http.request(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer sk-test',
        'content-type': 'application/json',
        'content-length': body.length,
      },
    });
    const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
      request.once('response', resolve).once('error', reject);
    });
    request.flushHeaders();
    await vi.waitFor(() => expect(server.stats().requests).toBe(11));
    clock.advance(2);
    request.end(body);
    const response = await answered;
    response.resume();
    expect(response.statusCode).toBe(429);
    // By now the quantum has room again, so the wait is the shortest there is.
    expect(response.headers['retry-after-ms']).toBe('1');
    expect(server.stats().rateLimited).toBe(1);
  });

  it('rejects a negative quantumMs', async () => {
    await expect(createMockServer({ quantumMs: -1 })).rejects.toThrow(/'quantumMs' must be a non-negative/);
  });
});
