import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CompletionError } from './errors';
import { redactSecrets } from './redact';
import { startHarness, TEST_API_KEY, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

const model = 'gpt-4o-mini';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

function everything(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) {
    parts.push(current.message, String(current.stack), JSON.stringify(current));
  }
  return parts.join('\n');
}

describe('the API key never leaks', () => {
  it('redacts the key and sk- shaped strings', () => {
    expect(redactSecrets(`bad key ${TEST_API_KEY}!`, [TEST_API_KEY])).toBe('bad key [redacted]!');
    expect(redactSecrets('Incorrect API key provided: sk-proj-abc***************wxyz.')).toBe(
      'Incorrect API key provided: [redacted].',
    );
  });

  it('is absent from error messages even when the provider echoes it', async () => {
    const echoing = (() =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            error: { message: `Incorrect API key provided: ${TEST_API_KEY}.`, type: 'invalid_request_error' },
          }),
          { status: 401, headers: { 'content-type': 'application/json', 'x-request-id': 'req_401' } },
        ),
      )) as typeof fetch;
    harness = await startHarness({ client: { fetch: echoing } });
    const error = await harness.client
      .complete({ model, prompt: 'who am I', meta: 1 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CompletionError);
    expect(error).toMatchObject({ status: 401, requestId: 'req_401', attempts: 1, meta: 1 });
    expect((error as Error).message).toContain('[redacted]');
    expect((error as Error).message).not.toContain(TEST_API_KEY);
    expect((error as Error).message).not.toContain(TEST_API_KEY.slice(0, 12));
  });

  it('is absent from logs, ledger, cache files and errors after a run with every kind of fault', async () => {
    harness = await startHarness({ params: { timeout: 0.3 } });
    const errors: unknown[] = [];
    const attempt = (promise: Promise<unknown>) => promise.catch((error: unknown) => errors.push(error));
    harness.server.enqueueFaults([
      { fault: 'error500' },
      { fault: 'rate_limit_tokens' },
      { fault: 'timeout' },
      { fault: 'no-usage' },
      { fault: 'malformed' },
    ]);
    await attempt(harness.client.complete({ model, prompt: 'one' }));
    await attempt(harness.client.complete({ model, prompt: 'two', jsonFormat: z.object({ a: z.string() }) }));
    await attempt(harness.client.complete({ model: 'text-embedding-3-small', input: ['x', 'y'] }));
    for await (const _delta of harness.client.stream({ model, prompt: 'three' })) void _delta;
    harness.server.enqueueFaults([{ fault: 'insufficient_quota' }]);
    await attempt(harness.client.complete({ model, prompt: 'four' }));
    await attempt(harness.client.complete({ model, prompt: 'five', n: 0 }));
    expect(errors.length).toBeGreaterThanOrEqual(2);
    await harness.client.close();

    const texts = [...harness.logs, ...errors.map(everything)];
    for (const file of await filesUnder(harness.home)) {
      if (!file.endsWith('maxllm.yaml')) texts.push(await readFile(file, 'utf8'));
    }
    expect(texts.length).toBeGreaterThan(3);
    for (const text of texts) expect(text).not.toContain(TEST_API_KEY);
  });
});
