import type { IncomingMessage, ServerResponse } from 'node:http';
import { FILE_PURPOSES } from './file-store';
import { MockRequestError, invalidParam } from './errors';
import { GENERATORS, serveGeneration } from './generation';
import { parseJson, readBody, sendError, sendJson } from './http';
import { listModels, modelObject } from './models';
import type { ServerState } from './state';
import { requireObject } from './validate';

type RouteHandler = (context: {
  request: IncomingMessage;
  response: ServerResponse;
  state: ServerState;
  /** When the request arrived (`clock.now()` when its headers were read). */
  arrivedAt: number;
  params: string[];
  query: URLSearchParams;
  body: () => Promise<Buffer>;
}) => Promise<void> | void;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  handler: RouteHandler;
}

function route(method: string, template: string, handler: RouteHandler): Route {
  const pattern = new RegExp(`^${template.replace(/\{[a-z_]+\}/g, '([^/]+)')}$`);
  return { method, template, pattern, handler };
}

const ROUTES: Route[] = [
  ...Object.keys(GENERATORS).map((path) =>
    route('POST', path, async ({ request, response, state, body, arrivedAt }) =>
      serveGeneration(path, request, response, state, await body(), arrivedAt),
    ),
  ),
  route('GET', '/v1/models', ({ response, state }) =>
    sendJson(response, 200, listModels(Object.keys(state.options.models ?? {}))),
  ),
  route('GET', '/v1/models/{id}', ({ response, params }) =>
    sendJson(response, 200, modelObject(decodeURIComponent(params[0]!))),
  ),
  route('POST', '/v1/files', async ({ request, response, state, body }) => {
    const form = await parseForm(request, await body());
    const file = form.get('file');
    const purpose = form.get('purpose');
    if (typeof purpose !== 'string') throw invalidParam('purpose', "Missing required parameter: 'purpose'.");
    if (!(FILE_PURPOSES as readonly string[]).includes(purpose)) {
      throw invalidParam('purpose', `Invalid 'purpose': expected one of ${FILE_PURPOSES.join(', ')}.`);
    }
    if (file === null || typeof file === 'string')
      throw invalidParam('file', "Missing required parameter: 'file'.");
    const content = Buffer.from(await file.arrayBuffer());
    sendJson(response, 200, state.files.add(file.name || 'upload', purpose, content, state.clock.now()));
  }),
  route('GET', '/v1/files', ({ response, state, query }) => {
    const data = state.files.list(query.get('purpose') ?? undefined);
    const ids = data.length > 0 ? { first_id: data[0]!.id, last_id: data[data.length - 1]!.id } : {};
    sendJson(response, 200, { object: 'list', data, ...ids, has_more: false });
  }),
  route('GET', '/v1/files/{id}', ({ response, state, params }) =>
    sendJson(response, 200, state.files.get(params[0]!).object),
  ),
  route('GET', '/v1/files/{id}/content', ({ response, state, params }) => {
    const file = state.files.get(params[0]!);
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': file.content.length,
    });
    response.end(file.content);
  }),
  route('DELETE', '/v1/files/{id}', ({ response, state, params }) => {
    state.files.delete(params[0]!);
    sendJson(response, 200, { id: params[0], object: 'file', deleted: true });
  }),
  route('POST', '/v1/batches', async ({ response, state, body }) =>
    sendJson(response, 200, state.batches.create(requireObject(parseJson(await body())))),
  ),
  route('GET', '/v1/batches', ({ response, state, query }) => {
    const limit = Number(query.get('limit') ?? 20);
    sendJson(
      response,
      200,
      state.batches.list(Number.isInteger(limit) && limit > 0 ? limit : 20, query.get('after') ?? undefined),
    );
  }),
  route('GET', '/v1/batches/{id}', ({ response, state, params }) =>
    sendJson(response, 200, state.batches.get(params[0]!)),
  ),
  route('POST', '/v1/batches/{id}/cancel', ({ response, state, params }) =>
    sendJson(response, 200, state.batches.cancel(params[0]!)),
  ),
];

async function parseForm(request: IncomingMessage, buffer: Buffer): Promise<FormData> {
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new MockRequestError(400, 'Expected a multipart/form-data body.', { param: 'file' });
  }
  try {
    return await new Response(buffer, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new MockRequestError(400, `Could not parse the multipart body: ${(error as Error).message}`, {
      param: 'file',
    });
  }
}

function authorized(request: IncomingMessage, apiKey: string | undefined): boolean {
  return apiKey === undefined || request.headers.authorization === `Bearer ${apiKey}`;
}

/** Dispatches one HTTP request: auth, route match, handler; OpenAI-style errors for everything that fails. */
export async function dispatch(
  request: IncomingMessage,
  response: ServerResponse,
  state: ServerState,
  arrivedAt: number,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://mock.invalid');
  const method = request.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '');
  const matched = ROUTES.map((candidate) => ({ candidate, match: candidate.pattern.exec(path) })).find(
    ({ candidate, match }) => match !== null && candidate.method === method,
  );
  state.stats.request(matched ? `${method} ${matched.candidate.template}` : 'unknown');
  let cached: Promise<Buffer> | undefined;
  const body = (): Promise<Buffer> => (cached ??= readBody(request));
  try {
    if (!authorized(request, state.options.apiKey)) {
      throw new MockRequestError(
        401,
        'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
        {
          code: 'invalid_api_key',
        },
      );
    }
    if (!matched) throw new MockRequestError(404, `Invalid URL (${method} ${url.pathname})`);
    await matched.candidate.handler({
      request,
      response,
      state,
      arrivedAt,
      params: matched.match!.slice(1),
      query: url.searchParams,
      body,
    });
  } catch (error) {
    if (MockRequestError.isInstance(error)) {
      await body().catch(() => undefined);
      sendError(response, error);
      return;
    }
    sendError(
      response,
      new MockRequestError(500, `Mock server bug: ${(error as Error).message}`, { type: 'server_error' }),
    );
  }
}
