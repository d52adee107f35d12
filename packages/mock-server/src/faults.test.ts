import { createManualClock } from '@maxllm/core';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer, type MockServerOptions } from './index';

const servers: MockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: MockServerOptions = {}): Promise<{ server: MockServer; client: OpenAI }> {
  const server = await createMockServer(options);
  servers.push(server);
  return {
    server,
    client: new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0, timeout: 2_000 }),
  };
}

const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
const withFault = (fault: string) => ({ headers: { 'x-mock-fault': fault } });

describe('faults', () => {
  it.each([
    ['error500', 500],
    ['error502', 502],
    ['error503', 503],
  ])('%s answers HTTP %i with an OpenAI error body', async (fault, status) => {
    const { client } = await start();
    const error = (await client.chat.completions
      .create(body, withFault(fault))
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(status);
    expect(error.type).toBe('server_error');
  });

  it('insufficient_quota answers a 429 with type and code insufficient_quota', async () => {
    const { server, client } = await start();
    const error = (await client.chat.completions
      .create(body, withFault('insufficient_quota'))
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.code).toBe('insufficient_quota');
    expect(error.type).toBe('insufficient_quota');
    expect(error.headers.get('retry-after')).toBeNull();
    expect(server.stats().rateLimited).toBe(1);
  });

  it.each([
    ['rate_limit_requests', 'requests'],
    ['rate_limit_tokens', 'tokens'],
  ])('%s answers a 429 of type %s with retry-after', async (fault, type) => {
    const { client } = await start({ limits: { rpm: 100, tpm: 100_000 } });
    const error = (await client.chat.completions
      .create(body, withFault(fault))
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.type).toBe(type);
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.headers.get('retry-after-ms')).toBe('1000');
    expect(error.headers.get('x-ratelimit-remaining-requests')).toBe('100');
  });

  it('timeout never answers, and the SDK times out', async () => {
    const { client } = await start();
    const error = await client.chat.completions
      .create(body, { ...withFault('timeout'), timeout: 300 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('reset destroys the connection', async () => {
    const { client } = await start();
    const error = await client.chat.completions
      .create(body, withFault('reset'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(error).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('malformed answers 200 with a body that is not JSON', async () => {
    const { server } = await start();
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mock-fault': 'malformed' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('{')).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('malformed breaks a stream', async () => {
    const { server } = await start();
    // logLevel off: the SDK logs the bad chunk before throwing.
    const client = new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0, logLevel: 'off' });
    const stream = await client.chat.completions.create({ ...body, stream: true }, withFault('malformed'));
    const consume = async (): Promise<void> => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow();
  });

  it('no-usage answers without usage, also in streams', async () => {
    const { client } = await start();
    const completion = await client.chat.completions.create(body, withFault('no-usage'));
    expect(completion.choices[0]!.message.content).toBeTruthy();
    expect(completion.usage).toBeUndefined();
    const stream = await client.chat.completions.create(
      { ...body, stream: true, stream_options: { include_usage: true } },
      withFault('no-usage'),
    );
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it('enqueueFaults applies queued faults in order, to matching models only', async () => {
    const { server, client } = await start();
    server.enqueueFaults([
      { fault: 'error503', model: 'other' },
      { fault: 'error500' },
      { fault: 'error502' },
    ]);
    const statuses = [];
    for (let index = 0; index < 3; index++) {
      statuses.push(
        await client.chat.completions.create(body).then(
          () => 200,
          (error: InstanceType<typeof OpenAI.APIError>) => error.status,
        ),
      );
    }
    expect(statuses).toEqual([500, 502, 200]);
    await expect(client.chat.completions.create({ ...body, model: 'other' })).rejects.toMatchObject({
      status: 503,
    });
  });

  it('random faults follow the seed: the same seed gives the same sequence', async () => {
    const outcomes = async (seed: number): Promise<Array<number>> => {
      const { client } = await start({ seed, faults: { errorRate: 0.5 } });
      const result = [];
      for (let index = 0; index < 20; index++) {
        result.push(
          await client.chat.completions.create(body).then(
            () => 200,
            (error: InstanceType<typeof OpenAI.APIError>) => Number(error.status),
          ),
        );
      }
      return result;
    };
    const first = await outcomes(1);
    expect(await outcomes(1)).toEqual(first);
    expect(first.filter((status) => status === 200).length).toBeGreaterThan(2);
    expect(first.filter((status) => status >= 500).length).toBeGreaterThan(2);
  });

  it('x-mock-latency-ms delays the answer on the injected clock', async () => {
    const clock = createManualClock(1_700_000_000_000);
    const { client } = await start({ clock });
    let done = false;
    const pending = client.chat.completions
      .create(body, { headers: { 'x-mock-latency-ms': '5000' } })
      .then(() => {
        done = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toBe(false);
    clock.advance(5000);
    await pending;
    expect(done).toBe(true);
  });

  it('rejects an unknown x-mock-fault with a 400', async () => {
    const { client } = await start();
    await expect(client.chat.completions.create(body, withFault('nope'))).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
  });
});
