import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createClient } from './client';
import { clientDir, repoRoot } from './dist-build';
import type { MaxllmClient } from './types';

/** The key every request carries (steady accepts any). */
const API_KEY = 'contract-test-key';

/** OpenAI's published OpenAPI spec, beside the repository (`../shared/openai/openapi.yaml`). */
const spec = resolve(repoRoot, '..', 'shared/openai/openapi.yaml');
const present = existsSync(spec);
if (!present) console.warn(`client: OpenAPI contract tests skipped: ${spec} is missing.`);

/** What steady said about one request. */
interface Exchange {
  path: string;
  status: number;
  /** The body steady answered with, for a 400. */
  rejection?: unknown;
  body: Record<string, unknown>;
}

let steady: ChildProcess | undefined;
let baseUrl = '';
let home = '';
let client: MaxllmClient;
const exchanges: Exchange[] = [];

/**
 * Records every exchange. steady's answers are random instances of the response schemas (refusals, any number of
 * choices or vectors), so each 200 is reduced to a plain well-formed answer: the client then finishes the call, and
 * every request it would make is seen. Requests are what this suite checks.
 */
const recordingFetch: typeof fetch = async (input, init) => {
  const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
  const response = await fetch(input, init);
  const path = new URL(input instanceof Request ? input.url : input).pathname;
  const exchange: Exchange = { path, status: response.status, body };
  exchanges.push(exchange);
  if (path.endsWith('/responses')) responsesChecked.push({ body, errors: createResponseErrors(body) });
  if (response.status === 400) exchange.rejection = await response.clone().json();
  if (!response.ok) return response;
  if (path.endsWith('/responses') && body.stream === true) return responsesStream(body);
  const json = (await response.json()) as Record<string, unknown>;
  return new Response(JSON.stringify({ ...json, ...plainAnswer(path, body) }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
};

function plainAnswer(path: string, body: Record<string, unknown>): Record<string, unknown> {
  if (path.endsWith('/embeddings')) {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    // The SDK asks for base64 unless told otherwise, and decodes it.
    const vector = (index: number): number[] | string =>
      body.encoding_format === 'base64'
        ? Buffer.from(new Float32Array([0.25, -0.5, index]).buffer).toString('base64')
        : [0.25, -0.5, index];
    return {
      data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: vector(index) })),
    };
  }
  if (path.endsWith('/completions') && !path.endsWith('/chat/completions')) {
    return { choices: [{ index: 0, text: 'This is a test', finish_reason: 'stop', logprobs: null }] };
  }
  if (path.endsWith('/responses')) return responsesAnswer(body);
  if (!path.endsWith('/chat/completions')) return {}; // files, batches: steady's answer is fine as it is
  const format = (body.response_format as { type?: string } | undefined)?.type;
  const content =
    format === 'json_schema'
      ? JSON.stringify(structuredAnswer)
      : format === 'json_object'
        ? '{"colour":"red"}'
        : 'ok';
  return {
    choices: [
      {
        index: 0,
        finish_reason: 'stop',
        logprobs: null,
        message: { role: 'assistant', content, refusal: null },
      },
    ],
  };
}

function answerText(format: string | undefined): string {
  return format === 'json_schema'
    ? JSON.stringify(structuredAnswer)
    : format === 'json_object'
      ? '{"colour":"red"}'
      : 'ok';
}

/** A plain completed Responses answer: one output message with the text a request's `text.format` wants. */
function responsesAnswer(body: Record<string, unknown>): Record<string, unknown> {
  const format = (body.text as { format?: { type?: string } } | undefined)?.format?.type;
  return {
    object: 'response',
    status: 'completed',
    error: null,
    incomplete_details: null,
    service_tier: typeof body.service_tier === 'string' ? body.service_tier : 'default',
    output: [
      {
        type: 'message',
        id: 'msg_contract',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: answerText(format), annotations: [], logprobs: [] }],
      },
    ],
    usage: {
      input_tokens: 5,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 1,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 6,
    },
  };
}

/** steady does not stream: a stream request that it accepted gets a minimal Responses event stream. */
function responsesStream(body: Record<string, unknown>): Response {
  const response = { id: 'resp_contract', model: body.model, ...responsesAnswer(body) };
  const events = [
    {
      type: 'response.output_text.delta',
      item_id: 'msg_contract',
      output_index: 0,
      content_index: 0,
      delta: 'o',
    },
    {
      type: 'response.output_text.delta',
      item_id: 'msg_contract',
      output_index: 0,
      content_index: 0,
      delta: 'k',
    },
    { type: 'response.completed', response },
  ];
  const text = events
    .map(
      (event, index) =>
        `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`,
    )
    .join('');
  return new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

const Step = z.object({ explanation: z.string(), output: z.string() });
const MathAnswer = z.object({
  steps: z.array(Step),
  final: z.object({ value: z.number(), unit: z.string().nullable() }),
  confidence: z.enum(['low', 'high']),
});
const structuredAnswer: z.infer<typeof MathAnswer> = {
  steps: [{ explanation: 'add', output: '4' }],
  final: { value: 4, unit: null },
  confidence: 'high',
};

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts steady on `spec` and resolves once it says it listens (it takes ~2 s to load the 87k-line spec). */
function startSteady(port: number): Promise<ChildProcess> {
  const bin = join(clientDir, 'node_modules', '.bin', 'steady');
  const child = spawn(
    bin,
    ['-p', String(port), '--host', '127.0.0.1', '-q', '--no-color', '--log-format', 'text', spec],
    {
      detached: true, // its own process group: the launcher runs the real binary as a child, both are stopped
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((done, fail) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      // Text format says "Ready to accept requests"; CI format (auto-detected from CI=true) "Server listening".
      if (/Ready to accept|Server listening/.test(output)) done(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`steady exited (${code}) before it was ready:\n${output}`)));
  });
}

/**
 * steady checks property types but not every `oneOf` (it accepts `input: 5` on /responses): each Responses request
 * body is also validated against the spec's `CreateResponse` schema with Ajv.
 */
let validateCreateResponse: ValidateFunction | undefined;

/**
 * The spec as JSON Schema: OpenAPI 3.0's `nullable: true` becomes a `null` type, and `oneOf` becomes `anyOf` (the
 * spec's unions overlap: `{ role: 'user', content: [...] }` is both an `EasyInputMessage` and an `InputMessage`).
 */
function withoutNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutNullable);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const converted = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key === 'oneOf' ? 'anyOf' : key, withoutNullable(value)]),
  );
  if (nullable !== true) return converted;
  if (typeof converted.type === 'string') return { ...converted, type: [converted.type, 'null'] };
  return { anyOf: [converted, { type: 'null' }] };
}

/** Compiles the spec's `CreateResponse` schema (a few seconds: done once, in `beforeAll`). */
function compileCreateResponse(): ValidateFunction {
  const document = parse(readFileSync(spec, 'utf8')) as { components: unknown };
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'openapi.json', components: withoutNullable(document.components) });
  return ajv.getSchema('openapi.json#/components/schemas/CreateResponse')!;
}

/** Schema errors of a Responses request body, or [] when it conforms. */
function createResponseErrors(body: unknown): unknown[] {
  validateCreateResponse ??= compileCreateResponse();
  return validateCreateResponse(body) ? [] : (validateCreateResponse.errors ?? []).slice(0, 3);
}

/** Responses requests sent, and what the schema says about each. */
const responsesChecked: Array<{ body: unknown; errors: unknown[] }> = [];

/** Exchanges that steady refused as breaking the spec. */
const rejected = (): Exchange[] => exchanges.filter((exchange) => exchange.status === 400);

describe.skipIf(!present)('requests conform to the OpenAI OpenAPI spec (steady)', () => {
  beforeAll(async () => {
    const port = await freePort();
    steady = await startSteady(port);
    validateCreateResponse = compileCreateResponse();
    baseUrl = `http://127.0.0.1:${port}`; // steady serves the spec's paths at the root: no /v1
    home = await mkdtemp(join(tmpdir(), 'maxllm-contract-'));
    const params = { api_base: baseUrl, api_key: API_KEY, max_retries: 0 };
    const config = join(home, 'maxllm.yaml');
    await writeFile(
      config,
      JSON.stringify({
        model_list: [
          {
            model_name: 'text-embedding-3-small',
            litellm_params: { ...params, model: 'text-embedding-3-small', mode: 'embedding' },
          },
          {
            model_name: 'gpt-3.5-turbo-instruct',
            litellm_params: { ...params, model: 'gpt-3.5-turbo-instruct', mode: 'completion' },
          },
          {
            model_name: 'gpt-5-mini',
            litellm_params: { ...params, model: 'gpt-5-mini', api: 'responses', service_tier: 'flex' },
          },
          { model_name: '*', litellm_params: { ...params, model: null } },
        ],
      }),
    );
    const quiet = { debug() {}, info() {}, warn() {}, error() {} }; // steady's models have no price: no warnings
    client = createClient({
      config,
      home,
      env: {},
      fetch: recordingFetch,
      maxOutputRetries: 0,
      logger: quiet,
    });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    if (steady?.pid) process.kill(-steady.pid, 'SIGTERM');
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('chat: prompt, system prompt, history, messages, SDK parameters, jsonMode', async () => {
    const before = exchanges.length;
    const answers = [
      await client.complete({ model: 'gpt-4o-mini', prompt: 'Hello' }),
      await client.complete({
        model: 'gpt-4o-mini',
        prompt: 'And now?',
        systemPrompt: 'You are terse.',
        historyMessages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello.' },
        ],
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 50,
        stop: ['\n\n'],
        seed: 7,
        presence_penalty: 0.1,
        frequency_penalty: 0.1,
        user: 'contract-test',
        meta: { row: 1 },
      }),
      await client.complete({
        model: 'o3-mini',
        messages: [
          { role: 'developer', content: 'Answer in JSON.' },
          { role: 'user', content: 'A colour?' },
        ],
        max_tokens: 30,
        jsonMode: true,
      }),
    ];
    expect(answers).toEqual(['ok', ['ok', { row: 1 }], '{"colour":"red"}']);
    expect(exchanges.slice(before).map((exchange) => exchange.path)).toEqual(
      Array(3).fill('/chat/completions'),
    );
    expect(rejected()).toEqual([]);
  });

  it('structured output with a nested zod schema (strict json_schema)', async () => {
    const before = exchanges.length;
    const value = await client.complete({ model: 'gpt-4o-mini', prompt: '2 + 2?', jsonFormat: MathAnswer });
    expect(value).toEqual(structuredAnswer);
    const sent = exchanges.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { strict: true },
    });
    expect(rejected()).toEqual([]);
  });

  it('embeddings: one input and a list', async () => {
    const before = exchanges.length;
    expect(await client.complete({ model: 'text-embedding-3-small', input: 'one' })).toEqual([0.25, -0.5, 0]);
    const vectors = await client.complete({
      model: 'text-embedding-3-small',
      input: ['first', 'second'],
      dimensions: 8,
    });
    expect(vectors).toEqual([
      [0.25, -0.5, 0],
      [0.25, -0.5, 1],
    ]);
    expect(exchanges.slice(before).map((exchange) => exchange.path)).toEqual(['/embeddings', '/embeddings']);
    expect(rejected()).toEqual([]);
  });

  it('legacy completions', async () => {
    const before = exchanges.length;
    const text = await client.complete({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say this is a test',
      max_tokens: 7,
      temperature: 0,
    });
    expect(text).toBe('This is a test');
    expect(exchanges.slice(before).map((exchange) => exchange.path)).toEqual(['/completions']);
    expect(rejected()).toEqual([]);
  });

  it('Batch API: upload file and job creation (@maxllm/batch through the client, getBatch)', async () => {
    const before = exchanges.length;
    const batch = await client.getBatch({ model: 'gpt-4o-mini', workspace: 'contract' });
    await batch.enqueue({ prompt: 'In a batch', temperature: 0 });
    await batch.enqueue({ prompt: 'Structured in a batch', jsonFormat: MathAnswer });
    await batch.upload({ metadata: { purpose: 'contract-test' } });
    await batch.close();
    expect(exchanges.slice(before).map((exchange) => exchange.path)).toEqual(['/files', '/batches']);
    expect(rejected()).toEqual([]);
  });

  it('responses: prompt, instructions, history, messages, input items, reasoning, jsonMode, zod, tiers', async () => {
    const before = exchanges.length;
    const answers = [
      await client.complete({ model: 'gpt-5-mini', prompt: 'Hello' }),
      await client.complete({
        model: 'gpt-5-mini',
        prompt: 'And now?',
        systemPrompt: 'You are terse.',
        historyMessages: [
          { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
          { role: 'assistant', content: 'Hello.' },
        ],
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 50,
        reasoning: { effort: 'low', summary: 'auto' },
        serviceTier: 'priority',
        user: 'contract-test',
      }),
      await client.complete({
        model: 'gpt-5-mini',
        messages: [
          { role: 'developer', content: 'Answer in JSON.' },
          { role: 'user', content: 'A colour?' },
        ],
        jsonMode: true,
        reasoning_effort: 'minimal',
        text: { verbosity: 'low' },
      }),
      await client.complete({
        model: 'gpt-5-mini',
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Raw items' }] }],
        systemPrompt: 'Be brief.',
      }),
      await client.complete({ model: 'gpt-5-mini', prompt: '2 + 2?', jsonFormat: MathAnswer }),
      await client.complete({ model: 'gpt-4o-mini', prompt: 'Via responses', api: 'responses' }),
    ];
    expect(answers).toEqual(['ok', 'ok', '{"colour":"red"}', 'ok', structuredAnswer, 'ok']);
    const sent = exchanges.slice(before);
    expect(sent.map((exchange) => exchange.path)).toEqual(Array(6).fill('/responses'));
    expect(sent[0]?.body.service_tier).toBe('flex');
    expect(sent[4]?.body.text).toMatchObject({ format: { type: 'json_schema', strict: true } });
    expect(rejected()).toEqual([]);
    expect(
      JSON.stringify(
        responsesChecked.filter((check) => check.errors.length > 0),
        null,
        1,
      ),
    ).toBe('[]');
  });

  it('responses stream()', async () => {
    const before = exchanges.length;
    const deltas: string[] = [];
    for await (const delta of client.stream({ model: 'gpt-5-mini', prompt: 'Stream', systemPrompt: 'S' }))
      deltas.push(delta);
    expect(deltas.join('')).toBe('ok');
    const sent = exchanges.slice(before);
    expect(sent.map((exchange) => [exchange.path, exchange.body.stream])).toEqual([['/responses', true]]);
    expect(rejected()).toEqual([]);
    expect(
      JSON.stringify(
        responsesChecked.filter((check) => check.errors.length > 0),
        null,
        1,
      ),
    ).toBe('[]');
  });

  it('Batch API: /v1/responses input file lines and job creation', async () => {
    const before = exchanges.length;
    const batch = await client.getBatch({ model: 'gpt-5-mini', workspace: 'contract-responses' });
    await batch.enqueue({ prompt: 'In a batch', systemPrompt: 'Be brief.', reasoning: { effort: 'low' } });
    await batch.enqueue({ prompt: 'Structured in a batch', jsonFormat: MathAnswer, max_tokens: 200 });
    await batch.upload({ metadata: { purpose: 'contract-test' } });
    await batch.close();
    const sent = exchanges.slice(before);
    expect(sent.map((exchange) => exchange.path)).toEqual(['/files', '/batches']);
    expect(sent[1]?.body.endpoint).toBe('/v1/responses');
    // Each line of the uploaded input file is a request steady must accept at its url.
    const uploads = join(home, 'batch', 'contract-responses', 'uploads');
    const lines = (await readdir(uploads)).length
      ? (await readFile(join(uploads, (await readdir(uploads))[0]!), 'utf8')).split('\n').filter(Boolean)
      : [];
    expect(lines).toHaveLength(2);
    // Negative controls: steady refuses a wrongly typed property; the schema check also a wrong `input`.
    const broken = await fetch(`${baseUrl}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ model: 'gpt-5-mini', input: 'x', temperature: 'hot' }),
    });
    expect(broken.status).toBe(400);
    expect(createResponseErrors({ model: 'gpt-5-mini', input: 5 })).not.toEqual([]);
    expect(
      createResponseErrors({ model: 'gpt-5-mini', input: 'x', text: { format: { type: 'json_schema' } } }),
    ).not.toEqual([]);
    for (const line of lines) {
      const { url, body } = JSON.parse(line) as { url: string; body: unknown };
      expect(url).toBe('/v1/responses');
      expect(createResponseErrors(body)).toEqual([]);
      const answer = await fetch(`${baseUrl}${url.replace(/^\/v1/, '')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify(body),
      });
      expect(answer.status, JSON.stringify(await answer.clone().json())).toBe(200);
    }
    expect(rejected()).toEqual([]);
  });

  it('negative control: a request that breaks the spec is rejected, and this test sees it', async () => {
    const raw = await fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        temperature: 'hot',
      }),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ error: 'Validation failed' });

    const before = exchanges.length;
    await expect(
      client.complete({ model: 'gpt-4o-mini', prompt: 'bad', temperature: 'hot' as unknown as number }),
    ).rejects.toMatchObject({ status: 400 });
    const [refused] = exchanges.slice(before);
    expect(refused).toMatchObject({ status: 400, rejection: { error: 'Validation failed' } });
    exchanges.splice(before); // keep the other tests' "nothing rejected" checks about real requests
  });
});
