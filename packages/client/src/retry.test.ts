import { readFile } from 'node:fs/promises';
import { parseCsvLine } from '@maxllm/ledger';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';
import { CompletionError, QuotaExceededError } from './errors';
import { startHarness, type Harness } from './test-harness';

let harness: Harness;
afterEach(async () => harness?.close());

const model = 'gpt-4o-mini';

describe('backoffDelay', () => {
  it('honours retry-after-ms, then retry-after, then backs off exponentially with jitter', () => {
    expect(backoffDelay(1, new Headers({ 'retry-after-ms': '250' }), 0)).toBe(250);
    expect(backoffDelay(1, new Headers({ 'retry-after': '2' }), 0)).toBe(2000);
    const date = new Date(10_000).toUTCString();
    expect(backoffDelay(1, new Headers({ 'retry-after': date }), 7_000)).toBe(3000);
    expect(backoffDelay(3, undefined, 0, { random: () => 0 })).toBe(2000);
    expect(backoffDelay(3, undefined, 0, { random: () => 1 })).toBe(1500);
    expect(backoffDelay(10, undefined, 0, { random: () => 0 })).toBe(8000);
    expect(backoffDelay(1, new Headers({ 'retry-after': '3600' }), 0, { random: () => 0 })).toBe(500);
  });
});

describe('the retry loop against the mock server', () => {
  it('recovers from a 429 by pausing the limiter and retrying', async () => {
    harness = await startHarness();
    harness.server.enqueueFaults([{ fault: 'rate_limit_requests' }]);
    expect(typeof (await harness.client.complete({ model, prompt: '429 then ok' }))).toBe('string');
    expect(harness.server.stats()).toMatchObject({ requests: 2, rateLimited: 1 });
    expect(harness.logs.some((line) => line.includes('429'))).toBe(true);
  });

  it('stops at once on insufficient_quota with a QuotaExceededError', async () => {
    harness = await startHarness();
    harness.server.enqueueFaults([{ fault: 'insufficient_quota' }]);
    const error = await harness.client
      .complete({ model, prompt: 'no money' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({ status: 429, attempts: 1, model, uniqueName: model });
    expect(harness.requests()).toBe(1);
  });

  it('retries 5xx and resets up to max_retries, then fails with the status and attempt count', async () => {
    harness = await startHarness({ params: { max_retries: 2 } });
    harness.server.enqueueFaults([{ fault: 'error500' }, { fault: 'reset' }]);
    expect(typeof (await harness.client.complete({ model, prompt: 'flaky' }))).toBe('string');
    expect(harness.requests()).toBe(3);

    harness.server.enqueueFaults([{ fault: 'error503' }, { fault: 'error502' }, { fault: 'error500' }]);
    const error = await harness.client.complete({ model, prompt: 'down' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CompletionError);
    expect(error).toMatchObject({ status: 500, attempts: 3 });
    expect(harness.requests()).toBe(6);
    expect(harness.client.getCallStatus(model)[model]).toMatchObject({ cacheMisses: 1, errors: 1 });
  });

  it('retries an answer whose body is truncated JSON', async () => {
    harness = await startHarness();
    harness.server.enqueueFaults([{ fault: 'malformed' }]);
    expect(typeof (await harness.client.complete({ model, prompt: 'cut short' }))).toBe('string');
    expect(harness.requests()).toBe(2);
  });

  it('retries a request that timed out', async () => {
    harness = await startHarness({ params: { timeout: 0.3 } });
    harness.server.enqueueFaults([{ fault: 'timeout' }]);
    expect(typeof (await harness.client.complete({ model, prompt: 'slow once' }))).toBe('string');
    expect(harness.requests()).toBe(2);
  });

  it('keeps an answer without usage and records estimated tokens, marked (issue 17 item 11)', async () => {
    harness = await startHarness();
    harness.server.enqueueFaults([{ fault: 'no-usage' }]);
    const text = await harness.client.complete({ model, prompt: 'no usage' });
    expect(typeof text).toBe('string');
    const status = harness.client.getCallStatus(model)[model];
    expect(status).toMatchObject({ cacheMisses: 1 });
    expect(status?.missInputTokens).toBeGreaterThan(0);
    await harness.client.close();
    const [header, row] = (await readFile(harness.client.config.paths.ledger, 'utf8')).trim().split('\n');
    const columns = parseCsvLine(header!)!;
    const cells = parseCsvLine(row!)!;
    expect(cells[columns.indexOf('input_tokens')]).toBe(cells[columns.indexOf('estimated_input_tokens')]);
    expect(cells[columns.indexOf('price_source')]).toMatch(/; estimated tokens$/);
    expect(cells[columns.indexOf('status')]).toBe('ok');
    expect(Number(cells[columns.indexOf('estimated_input_tokens')])).toBeGreaterThan(0);
  });
});
