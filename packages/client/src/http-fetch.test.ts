import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import OpenAI, { APIUserAbortError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { PreparedRequest } from '@maxllm/request';
import { createHttpFetch, type HttpFetch } from './http-fetch';
import { sendRequest } from './send-request';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function ownFetch(): HttpFetch {
  const own = createHttpFetch();
  cleanups.push(() => own.close());
  return own;
}

/** A plain HTTP server on a free port; `connections` counts the TCP connections it accepted. */
async function serve(
  handler: http.RequestListener,
): Promise<{ url: string; connections: () => number; closed: () => number }> {
  const server = http.createServer(handler);
  let connections = 0;
  let closed = 0;
  server.on('connection', (socket) => {
    connections++;
    socket.on('close', () => closed++);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections, closed: () => closed };
}

async function mock(options: Parameters<typeof createMockServer>[0] = {}): Promise<MockServer> {
  const server = await createMockServer(options);
  cleanups.push(() => server.close());
  return server;
}

describe('createHttpFetch with the openai SDK', () => {
  it('answers a chat request with its JSON, request id and headers', async () => {
    const server = await mock({ limits: { rpm: 1_000, tpm: 1_000_000 } });
    const openai = new OpenAI({ apiKey: 'k', baseURL: server.url, maxRetries: 0, fetch: ownFetch().fetch });
    const { data, response, request_id } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(request_id).toMatch(/^req_/);
    expect(response.headers.get('x-ratelimit-limit-requests')).not.toBeNull();
  });

  it('tells sendRequest when the request was written (onWritten, through the SDK), before its answer', async () => {
    let written = 0;
    let wrote = (): void => {};
    const wasWritten = new Promise<void>((resolve) => (wrote = resolve));
    const { url } = await serve((request, response) => {
      request.resume();
      // The answer waits until the client says it wrote the request: without onWritten the call never ends.
      void wasWritten.then(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [] }));
      });
    });
    const openai = new OpenAI({ apiKey: 'k', baseURL: url, maxRetries: 0, fetch: ownFetch().fetch });
    const prepared = { kind: 'chat', body: { model: 'm', messages: [] } } as unknown as PreparedRequest;
    const sent = await sendRequest(openai, prepared, {
      timeout: 2_000,
      onWritten: () => {
        written++;
        wrote();
      },
    });
    expect(sent.data).toMatchObject({ id: 'chatcmpl-1' });
    expect(written).toBe(1);
  });

  it('streams a chat answer chunk by chunk', async () => {
    const server = await mock({ output: { meanTokens: 40, spread: 0 } });
    const openai = new OpenAI({ apiKey: 'k', baseURL: server.url, maxRetries: 0, fetch: ownFetch().fetch });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      usage ??= chunk.usage ?? undefined;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text.length).toBeGreaterThan(0);
    expect(usage).toMatchObject({ completion_tokens: 40 });
  });

  it("aborts a request in flight with the caller's signal", async () => {
    const server = await mock({ latency: { meanMs: 5_000 } });
    const openai = new OpenAI({ apiKey: 'k', baseURL: server.url, maxRetries: 0, fetch: ownFetch().fetch });
    const controller = new AbortController();
    const call = openai.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow' }] },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it('times a request out through the SDK', async () => {
    const server = await mock({ latency: { meanMs: 5_000 } });
    const openai = new OpenAI({ apiKey: 'k', baseURL: server.url, maxRetries: 0, fetch: ownFetch().fetch });
    const call = openai.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow' }] },
      { timeout: 100 },
    );
    await expect(call).rejects.toThrow(/timed out/i);
  });
});

describe('createHttpFetch', () => {
  it('keeps the connection alive between requests, and close() ends it', async () => {
    const server = await serve((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end('{"ok":true}');
    });
    const own = createHttpFetch();
    for (let i = 0; i < 3; i++) {
      const response = await own.fetch(`${server.url}/x`, { method: 'POST', body: '{}' });
      expect(await response.json()).toEqual({ ok: true });
    }
    expect(server.connections()).toBe(1);
    own.close();
    await expect.poll(() => server.closed()).toBe(1);
  });

  it('streams an answer that is not JSON: the first event arrives before the server ends it', async () => {
    let finish: (() => void) | undefined;
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: one\n\n');
      finish = () => response.end('data: two\n\n');
    });
    const response = await ownFetch().fetch(`${server.url}/events`);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: one\n\n');
    finish!();
    const second = await reader.read();
    expect(new TextDecoder().decode(second.value)).toBe('data: two\n\n');
    expect((await reader.read()).done).toBe(true);
  });

  it('aborts a streamed body with the signal', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: one\n\n');
    });
    const controller = new AbortController();
    const response = await ownFetch().fetch(`${server.url}/events`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('decodes a gzip-encoded answer', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync('{"zipped":true}'));
    });
    const response = await ownFetch().fetch(`${server.url}/z`);
    expect(await response.json()).toEqual({ zipped: true });
  });

  it('follows a redirect', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/old') {
        response.writeHead(307, { location: '/new' });
        response.end();
        return;
      }
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ url: request.url, body }));
      });
    });
    const response = await ownFetch().fetch(`${server.url}/old`, { method: 'POST', body: '{"a":1}' });
    expect(await response.json()).toEqual({ url: '/new', body: '{"a":1}' });
  });

  it('sends a form body (a file upload) through the global fetch, intact', async () => {
    const server = await serve((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ type: request.headers['content-type'], body }));
      });
    });
    const form = new FormData();
    form.append('file', new Blob(['line one\n']), 'batch.jsonl');
    const response = await ownFetch().fetch(`${server.url}/files`, { method: 'POST', body: form });
    const echoed = (await response.json()) as { type: string; body: string };
    expect(echoed.type).toMatch(/^multipart\/form-data/);
    expect(echoed.body).toContain('line one');
  });

  it('rejects a refused connection as fetch does: TypeError with the cause', async () => {
    const server = await serve(() => undefined);
    const url = server.url;
    await cleanups.pop()!();
    const failure = await ownFetch()
      .fetch(`${url}/x`)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
