import { createManualClock, type ManualClock } from '@maxllm/core';
import OpenAI, { toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from './index';

const servers: MockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const STEP = 100;

async function start(): Promise<{ server: MockServer; client: OpenAI; clock: ManualClock }> {
  const clock = createManualClock(1_700_000_000_000);
  const server = await createMockServer({ clock, batch: { stepMs: STEP }, limits: { rpm: 1 } });
  servers.push(server);
  return { server, clock, client: new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 }) };
}

const line = (customId: string, body: Record<string, unknown>, url = '/v1/chat/completions') =>
  JSON.stringify({ custom_id: customId, method: 'POST', url, body });
const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
  ...extra,
});

async function upload(client: OpenAI, lines: string[]): Promise<string> {
  const file = await client.files.create({
    file: await toFile(Buffer.from(lines.join('\n')), 'input.jsonl'),
    purpose: 'batch',
  });
  return file.id;
}

interface OutputRow {
  custom_id: string;
  response: { status_code: number; body: Record<string, any> };
  error: { code: string; message: string };
}

async function readJsonl(client: OpenAI, fileId: string): Promise<OutputRow[]> {
  const text = await (await client.files.content(fileId)).text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((row) => JSON.parse(row) as OutputRow);
}

describe('files', () => {
  it('uploads, retrieves, downloads, lists and deletes', async () => {
    const { client } = await start();
    const id = await upload(client, ['{"a":1}']);
    const file = await client.files.retrieve(id);
    expect(file).toMatchObject({
      id,
      object: 'file',
      bytes: 7,
      filename: 'input.jsonl',
      purpose: 'batch',
      status: 'processed',
    });
    expect(await (await client.files.content(id)).text()).toBe('{"a":1}');
    const listed = [];
    for await (const item of client.files.list()) listed.push(item.id);
    expect(listed).toContain(id);
    expect(await client.files.delete(id)).toMatchObject({ id, deleted: true });
    await expect(client.files.retrieve(id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('rejects an unknown purpose', async () => {
    const { client } = await start();
    await expect(
      client.files.create({ file: await toFile(Buffer.from('x'), 'a.txt'), purpose: 'nonsense' as 'batch' }),
    ).rejects.toMatchObject({ status: 400, param: 'purpose' });
  });
});

describe('batches', () => {
  it('runs validating → in_progress → finalizing → completed with output and error files', async () => {
    const { server, client, clock } = await start();
    const inputFileId = await upload(client, [
      line('ok-1', chat('first')),
      line('ok-2', chat('second', { max_tokens: 3 })),
      line('bad', { model: 'gpt-4o-mini' }),
      line('boom', chat('third', { mock_fault: 'error500' })),
    ]);
    const created = await client.batches.create({
      input_file_id: inputFileId,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    expect(created.status).toBe('validating');
    clock.advance(STEP);
    const running = await client.batches.retrieve(created.id);
    expect(running.status).toBe('in_progress');
    expect(running.request_counts).toEqual({ total: 4, completed: 0, failed: 0 });
    clock.advance(STEP);
    expect((await client.batches.retrieve(created.id)).status).toBe('finalizing');
    clock.advance(STEP);
    const done = await client.batches.retrieve(created.id);
    expect(done.status).toBe('completed');
    expect(done.request_counts).toEqual({ total: 4, completed: 2, failed: 2 });
    expect(done.completed_at).toBeGreaterThan(0);

    const output = await readJsonl(client, done.output_file_id!);
    expect(output.map((row) => row.custom_id)).toEqual(['ok-1', 'ok-2']);
    expect(output[0]!.response.status_code).toBe(200);
    expect(output[0]!.response.body.object).toBe('chat.completion');
    expect(output[1]!.response.body.choices[0].finish_reason).toBe('length');
    const online = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'first' }],
    });
    expect(output[0]!.response.body.choices[0].message.content).toBe(online.choices[0]!.message.content);

    const errors = await readJsonl(client, done.error_file_id!);
    expect(errors.map((row) => [row.custom_id, row.response.status_code])).toEqual([
      ['bad', 400],
      ['boom', 500],
    ]);
    expect(errors[0]!.response.body.error.param).toBe('messages');
    // Batch lines bypass the online limit (rpm 1) and are counted apart.
    expect(server.stats().batchLines).toBe(3);
    expect(server.stats().rateLimited).toBe(0);
  });

  it.each([
    ['invalid JSON', ['{"custom_id": "a", oops']],
    ['a wrong url', [line('a', chat('x'), '/v1/embeddings')]],
    [
      'a wrong method',
      [JSON.stringify({ custom_id: 'a', method: 'GET', url: '/v1/chat/completions', body: chat('x') })],
    ],
    ['mixed models', [line('a', chat('x')), line('b', { ...chat('y'), model: 'gpt-4o' })]],
    ['duplicate custom_id', [line('a', chat('x')), line('a', chat('y'))]],
  ])('fails a batch whose input has %s, with errors', async (_name, lines) => {
    const { client, clock } = await start();
    const batch = await client.batches.create({
      input_file_id: await upload(client, lines),
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    clock.advance(STEP);
    const failed = await client.batches.retrieve(batch.id);
    expect(failed.status).toBe('failed');
    expect(failed.failed_at).toBeGreaterThan(0);
    expect(failed.errors!.data!.length).toBeGreaterThan(0);
    expect(failed.errors!.data![0]!.code).toBeTruthy();
    expect(failed.output_file_id ?? null).toBeNull();
  });

  it('ends in failed or expired on request via metadata.mock_outcome', async () => {
    const { client, clock } = await start();
    const inputFileId = await upload(client, [
      line('a', chat('x')),
      line('b', chat('y')),
      line('c', chat('z')),
      line('d', chat('w')),
    ]);
    const failed = await client.batches.create({
      input_file_id: inputFileId,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { mock_outcome: 'failed' },
    });
    const expired = await client.batches.create({
      input_file_id: inputFileId,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { mock_outcome: 'expired' },
    });
    clock.advance(STEP * 3);
    expect((await client.batches.retrieve(failed.id)).status).toBe('failed');
    const ended = await client.batches.retrieve(expired.id);
    expect(ended.status).toBe('expired');
    expect(ended.expired_at).toBeGreaterThan(0);
    expect(ended.request_counts).toEqual({ total: 4, completed: 2, failed: 2 });
    const errors = await readJsonl(client, ended.error_file_id!);
    expect(errors.map((row) => row.error.code)).toEqual(['batch_expired', 'batch_expired']);
    expect((await readJsonl(client, ended.output_file_id!)).map((row) => row.custom_id)).toEqual(['a', 'b']);
  });

  it('cancels: cancelling, then cancelled one step later', async () => {
    const { client, clock } = await start();
    const batch = await client.batches.create({
      input_file_id: await upload(client, [line('a', chat('x'))]),
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    clock.advance(STEP);
    const cancelling = await client.batches.cancel(batch.id);
    expect(cancelling.status).toBe('cancelling');
    clock.advance(STEP);
    const cancelled = await client.batches.retrieve(batch.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelled_at).toBeGreaterThan(0);
    expect(cancelled.request_counts!.completed).toBe(0);
    await expect(client.batches.cancel(batch.id)).resolves.toMatchObject({ status: 'cancelled' });
  });

  it('refuses to cancel a completed batch with a 409', async () => {
    const { client, clock } = await start();
    const batch = await client.batches.create({
      input_file_id: await upload(client, [line('a', chat('x'))]),
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    clock.advance(STEP * 3);
    await expect(client.batches.cancel(batch.id)).rejects.toBeInstanceOf(OpenAI.ConflictError);
  });

  it('runs embeddings batches', async () => {
    const { client, clock } = await start();
    const batch = await client.batches.create({
      input_file_id: await upload(client, [
        line('e', { model: 'text-embedding-3-small', input: 'hi', dimensions: 8 }, '/v1/embeddings'),
      ]),
      endpoint: '/v1/embeddings',
      completion_window: '24h',
    });
    clock.advance(STEP * 3);
    const done = await client.batches.retrieve(batch.id);
    const [row] = await readJsonl(client, done.output_file_id!);
    expect(row!.response.body.data[0].embedding).toHaveLength(8);
  });

  it('lists batches newest first with a cursor', async () => {
    const { client } = await start();
    const inputFileId = await upload(client, [line('a', chat('x'))]);
    const ids = [];
    for (let index = 0; index < 3; index++) {
      ids.push(
        (
          await client.batches.create({
            input_file_id: inputFileId,
            endpoint: '/v1/chat/completions',
            completion_window: '24h',
          })
        ).id,
      );
    }
    const page = await client.batches.list({ limit: 2 });
    expect(page.data.map((batch) => batch.id)).toEqual([ids[2], ids[1]]);
    expect(page.has_more).toBe(true);
    const all = [];
    for await (const batch of client.batches.list({ limit: 2 })) all.push(batch.id);
    expect(all).toEqual([...ids].reverse());
  });

  it('rejects unknown input files and endpoints', async () => {
    const { client } = await start();
    await expect(
      client.batches.create({
        input_file_id: 'file-nope',
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const inputFileId = await upload(client, [line('a', chat('x'))]);
    await expect(
      client.batches.create({
        input_file_id: inputFileId,
        endpoint: '/v1/nope' as '/v1/embeddings',
        completion_window: '24h',
      }),
    ).rejects.toMatchObject({ status: 400, param: 'endpoint' });
  });
});
