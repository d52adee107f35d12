import { createManualClock } from '@maxllm/core';
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import OpenAI, { toFile } from 'openai';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from './index';

const SPEC = new URL('../../../../shared/openai/openapi.yaml', import.meta.url);
const present = existsSync(SPEC);
if (!present)
  console.warn(`[mock-server] skipping the OpenAPI conformance suite: ${SPEC.pathname} is absent`);

/** OpenAPI 3.0's `nullable: true` (still used in places) as JSON Schema: `null` added to the type, or an anyOf. */
function withoutNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutNullable);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const converted = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, withoutNullable(value)]),
  );
  if (nullable !== true) return converted;
  // 3.0 semantics: nullable also admits null where an enum is given (the spec marks stream finish_reason so).
  if (Array.isArray(converted.enum)) converted.enum = [...(converted.enum as unknown[]), null];
  if (typeof converted.type === 'string') return { ...converted, type: [converted.type, 'null'] };
  return { anyOf: [converted, { type: 'null' }] };
}

describe.skipIf(!present)('responses validate against the OpenAI OpenAPI spec', () => {
  let ajv: Ajv2020;
  let server: MockServer;
  let client: OpenAI;
  const clock = createManualClock(1_700_000_000_000);

  function check(component: string, value: unknown): void {
    const validate = ajv.getSchema(`openapi.json#/components/schemas/${component}`);
    if (!validate) throw new Error(`component ${component} not in the spec`);
    const valid = validate(value);
    expect(valid, `${component}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  }

  async function raw(path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${server.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  }

  /** Stream event type → its component, so a failure names the exact schema rather than a 60-way anyOf. */
  const eventComponents = new Map<string, string>();

  beforeAll(async () => {
    const spec = parse(readFileSync(SPEC, 'utf8')) as {
      components: { schemas: Record<string, { anyOf?: Array<{ $ref?: string }> }> };
    };
    for (const { $ref } of spec.components.schemas.ResponseStreamEvent?.anyOf ?? []) {
      const name = $ref?.split('/').pop() ?? '';
      const type = (
        spec.components.schemas[name] as { properties?: { type?: { enum?: string[] } } } | undefined
      )?.properties?.type?.enum?.[0];
      if (type) eventComponents.set(type, name);
    }
    ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
    ajv.addSchema({ $id: 'openapi.json', components: withoutNullable(spec.components) });
    server = await createMockServer({ clock, batch: { stepMs: 10 } });
    client = new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 });
  }, 60_000);
  afterAll(() => server?.close());

  const messages = [{ role: 'user', content: 'Validate me' }];

  it('chat completions: plain, n=2 capped, json_schema and tool calls', async () => {
    check('CreateChatCompletionResponse', await raw('/chat/completions', { model: 'gpt-4o-mini', messages }));
    check(
      'CreateChatCompletionResponse',
      await raw('/chat/completions', { model: 'gpt-4o-mini', messages, n: 2, max_tokens: 3 }),
    );
    check(
      'CreateChatCompletionResponse',
      await raw('/chat/completions', {
        model: 'gpt-4o-mini',
        messages,
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } } } },
        },
      }),
    );
    check(
      'CreateChatCompletionResponse',
      await raw('/chat/completions', {
        model: 'gpt-4o-mini',
        messages,
        tools: [
          { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } },
        ],
        tool_choice: 'required',
      }),
    );
  });

  it('chat completion stream chunks', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let count = 0;
    for await (const chunk of stream) {
      check('CreateChatCompletionStreamResponse', chunk);
      count++;
    }
    expect(count).toBeGreaterThan(2);
  });

  it('responses: plain, instructions + input list, capped, reasoning, json_schema, json_object, tiers', async () => {
    const bodies: Array<Record<string, unknown>> = [
      { model: 'gpt-5-mini', input: 'Validate me' },
      {
        model: 'gpt-5-mini',
        instructions: 'Be brief.',
        input: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
          { role: 'user', content: [{ type: 'input_text', text: 'Again' }] },
        ],
        service_tier: 'flex',
      },
      { model: 'gpt-5-mini', input: 'Capped', max_output_tokens: 16, reasoning: { effort: 'minimal' } },
      { model: 'o4-mini', input: 'Think', reasoning: { effort: 'high' }, service_tier: 'priority' },
      {
        model: 'gpt-5-mini',
        input: 'Schema',
        text: {
          format: {
            type: 'json_schema',
            name: 'x',
            strict: true,
            schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          },
        },
      },
      { model: 'gpt-5-mini', input: 'Object', text: { format: { type: 'json_object' } } },
    ];
    for (const body of bodies) check('Response', await raw('/responses', body));
    check('ErrorResponse', await raw('/responses', { model: 'gpt-5-mini' }));
  });

  it('responses stream events, completed and incomplete', async () => {
    for (const max_output_tokens of [undefined, 70]) {
      const stream = await client.responses.create({
        model: 'o4-mini',
        input: 'Stream',
        reasoning: { effort: 'low' },
        max_output_tokens,
        stream: true,
      });
      const types = new Set<string>();
      for await (const event of stream) {
        check(eventComponents.get(event.type) ?? 'no component for this type', event);
        check('ResponseStreamEvent', event);
        types.add(event.type);
      }
      expect(types.has('response.output_text.delta')).toBe(true);
      expect(types.has(max_output_tokens ? 'response.incomplete' : 'response.completed')).toBe(true);
    }
  });

  it('batch output lines of /v1/responses', async () => {
    const file = await client.files.create({
      file: await toFile(
        Buffer.from(
          JSON.stringify({
            custom_id: 'r',
            method: 'POST',
            url: '/v1/responses',
            body: { model: 'gpt-5-mini', input: 'Batch me', service_tier: 'flex' },
          }),
        ),
        'in.jsonl',
      ),
      purpose: 'batch',
    });
    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/responses',
      completion_window: '24h',
    });
    check('Batch', batch);
    for (let step = 0; step < 3; step++) clock.advance(10);
    const done = await client.batches.retrieve(batch.id);
    check('Batch', done);
    expect(done.status).toBe('completed');
    const rows = (await (await client.files.content(done.output_file_id!)).text())
      .split('\n')
      .filter(Boolean);
    expect(rows).toHaveLength(1);
    for (const row of rows)
      check('Response', (JSON.parse(row) as { response: { body: unknown } }).response.body);
  });

  it('embeddings and legacy completions', async () => {
    check(
      'CreateEmbeddingResponse',
      await raw('/embeddings', { model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 4 }),
    );
    check(
      'CreateCompletionResponse',
      await raw('/completions', { model: 'gpt-3.5-turbo-instruct', prompt: 'Hi' }),
    );
  });

  it('errors, models and files', async () => {
    check('ErrorResponse', await raw('/chat/completions', { model: 'gpt-4o-mini' }));
    check('ListModelsResponse', await raw('/models'));
    const file = await client.files.create({
      file: await toFile(
        Buffer.from(
          JSON.stringify({
            custom_id: 'a',
            method: 'POST',
            url: '/v1/chat/completions',
            body: { model: 'gpt-4o-mini', messages },
          }),
        ),
        'in.jsonl',
      ),
      purpose: 'batch',
    });
    check('OpenAIFile', file);
    check('ListFilesResponse', await raw('/files'));
  });

  it('batch objects in every state, and the batch output lines', async () => {
    const file = await client.files.create({
      file: await toFile(
        Buffer.from(
          [
            JSON.stringify({
              custom_id: 'a',
              method: 'POST',
              url: '/v1/chat/completions',
              body: { model: 'gpt-4o-mini', messages },
            }),
            JSON.stringify({
              custom_id: 'b',
              method: 'POST',
              url: '/v1/chat/completions',
              body: { model: 'gpt-4o-mini' },
            }),
          ].join('\n'),
        ),
        'in.jsonl',
      ),
      purpose: 'batch',
    });
    const create = (metadata?: Record<string, string>) =>
      client.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
        metadata: metadata ?? null,
      });
    const normal = await create();
    const failed = await create({ mock_outcome: 'failed' });
    const expired = await create({ mock_outcome: 'expired' });
    const cancelled = await create();
    check('Batch', normal);
    clock.advance(10);
    check('Batch', await client.batches.retrieve(normal.id));
    check('Batch', await client.batches.cancel(cancelled.id));
    clock.advance(100);
    for (const batch of [normal, failed, expired, cancelled])
      check('Batch', await client.batches.retrieve(batch.id));
    check('ListBatchesResponse', await raw('/batches'));
    const done = await client.batches.retrieve(normal.id);
    expect(done.status).toBe('completed');
    const rows = (await (await client.files.content(done.output_file_id!)).text())
      .split('\n')
      .filter(Boolean);
    for (const row of rows)
      check(
        'CreateChatCompletionResponse',
        (JSON.parse(row) as { response: { body: unknown } }).response.body,
      );
    const errorRows = (await (await client.files.content(done.error_file_id!)).text())
      .split('\n')
      .filter(Boolean);
    for (const row of errorRows)
      check('ErrorResponse', (JSON.parse(row) as { response: { body: unknown } }).response.body);
  });
});
