import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { abortReason } from '@maxllm/core';
import { wholeResponse } from './whole-response';

/** A `fetch` for the `openai` SDK over `node:http` / `node:https` with keep-alive sockets, and its sockets. */
export interface HttpFetch {
  fetch: typeof fetch;
  /** Closes the kept-alive sockets (requests still in flight go on). */
  close(): void;
}

/**
 * An `init` key (through the SDK's per-request `fetchOptions`) for a function called once the request's bytes are
 * written to the socket: when it really left, later than its admission if the event loop was busy in between.
 */
export const ON_WRITTEN: unique symbol = Symbol('maxllm.onWritten');

/** Status codes whose response has no body (a `Response` refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);

/**
 * A `fetch` that sends a request with a text body (or none) over `node:http(s)`, and hands anything else (a stream
 * or form body, another scheme, a redirect) to the global `fetch`. The global fetch (undici) builds a web `Request`,
 * clones its body into a stream and reads the answer through web streams: for a small JSON answer that costs about
 * as much CPU as the rest of the call (`bench/NOTES.md`, `overhead.full_stack_miss`). Here a JSON answer is read
 * whole into a `Response` before the promise resolves (the SDK reads it whole anyway); any other answer (a server-sent
 * event stream, a file) streams. The signal aborts the request and its answer's body, as fetch's does, with the
 * signal's reason; a network failure rejects with `TypeError('fetch failed', { cause })`, as fetch's does.
 */
export function createHttpFetch(): HttpFetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };
  const fetchOverHttp = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : undefined;
    const agent = url?.protocol === 'http:' || url?.protocol === 'https:' ? agents[url.protocol] : undefined;
    const { body } = init;
    if (!url || !agent || (body != null && typeof body !== 'string') || 'dispatcher' in init)
      return fetch(input, init);
    return send(url, init, agent, body ?? undefined);
  };
  return {
    fetch: fetchOverHttp,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

function send(url: URL, init: RequestInit, agent: http.Agent, body: string | undefined): Promise<Response> {
  const { signal } = init;
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: init.method ?? 'GET',
      headers: headerRecord(init.headers),
      agent,
    });
    const onWritten = (init as { [ON_WRITTEN]?: unknown })[ON_WRITTEN];
    if (typeof onWritten === 'function') request.once('finish', onWritten as () => void);
    let answer: Readable | undefined;
    let done = (): void => {};
    if (signal) {
      const onAbort = (): void => {
        const reason = abortReason(signal);
        answer?.destroy(reason);
        request.destroy(reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      done = () => signal.removeEventListener('abort', onAbort);
    }
    const fail = (error: unknown): void =>
      reject(signal?.aborted ? abortReason(signal) : new TypeError('fetch failed', { cause: error }));
    request.on('error', (error) => {
      done();
      fail(error);
    });
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (REDIRECT.has(status) && response.headers.location !== undefined && init.redirect !== 'manual') {
        // Rare for an API: the global fetch sends the request again and follows the redirect as it should.
        response.resume();
        done();
        resolve(fetch(url, init));
        return;
      }
      const headers = new Headers();
      const raw = response.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
      const responseInit = { status, statusText: response.statusMessage ?? '', headers };
      answer = decoded(response);
      answer.once('close', done);
      if (NULL_BODY.has(status) || init.method === 'HEAD') {
        answer.resume();
        resolve(new Response(null, responseInit));
      } else if (!isJson(headers.get('content-type'))) {
        resolve(new Response(Readable.toWeb(answer) as ReadableStream<Uint8Array>, responseInit));
      } else {
        const chunks: Buffer[] = [];
        let ended = false;
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.once('end', () => {
          ended = true;
          resolve(wholeResponse(Buffer.concat(chunks), responseInit, url.href));
        });
        answer.once('error', fail);
        answer.once('close', () => {
          if (!ended) fail(new Error('the connection closed before the answer ended'));
        });
      }
    });
    request.end(body);
  });
}

/** A JSON media type, as the SDK tells one (`application/json`, `...+json`). */
function isJson(contentType: string | null): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType.includes('application/json') || mediaType.endsWith('+json');
}

/** The request headers as the record `node:http` takes. */
function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  if (headers === undefined) return record;
  (headers instanceof Headers ? headers : new Headers(headers)).forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

/** The answer's body without its `content-encoding` (fetch decodes it too). */
function decoded(response: http.IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) return response;
  response.once('error', (error) => decoder.destroy(error));
  return response.pipe(decoder);
}
