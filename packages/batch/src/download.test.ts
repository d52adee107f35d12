import type { Clock, Logger } from '@maxllm/core';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadFile } from './download';
import { BatchDownloadError } from './errors';

/** A clock whose timers fire at once, remembering the delays asked for. */
function instantClock(delays: number[]): Clock {
  return {
    now: () => 0,
    setTimeout: (callback, ms) => {
      delays.push(ms);
      queueMicrotask(callback);
      return 0;
    },
    clearTimeout: () => {},
  };
}

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A files endpoint that answers `statuses` in turn (200 serves `body`). */
async function filesServer(statuses: number[], body: string): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((request, response) => {
    const status = statuses[Math.min(hits, statuses.length - 1)]!;
    hits += 1;
    response.writeHead(status, { 'content-type': status === 200 ? 'application/jsonl' : 'application/json' });
    response.end(status === 200 ? body : JSON.stringify({ error: { message: `status ${status}` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, hits: () => hits };
}

describe('downloadFile', () => {
  it('retries server errors with doubling back-off, then writes the file', async () => {
    const server = await filesServer([500, 503, 200], '{"custom_id":"0"}\n');
    const path = join(await mkdtemp(join(tmpdir(), 'batch-dl-')), 'out.jsonl');
    const delays: number[] = [];
    await downloadFile({
      openai: new OpenAI({ apiKey: 'sk-x', baseURL: server.url, maxRetries: 0 }),
      fileId: 'file-1',
      path,
      clock: instantClock(delays),
      logger: quiet,
      backoffMs: 10,
    });
    expect(await readFile(path, 'utf8')).toBe('{"custom_id":"0"}\n');
    expect(server.hits()).toBe(3);
    expect(delays).toEqual([10, 20]);
  });

  it('gives up after the attempts, and at once on a 404', async () => {
    const failing = await filesServer([500], '');
    const path = join(await mkdtemp(join(tmpdir(), 'batch-dl-')), 'out.jsonl');
    const options = { fileId: 'file-2', path, clock: instantClock([]), logger: quiet, attempts: 3 };
    const error = await downloadFile({
      ...options,
      openai: new OpenAI({ apiKey: 'sk-x', baseURL: failing.url, maxRetries: 0 }),
    }).catch((caught: unknown) => caught);
    expect(BatchDownloadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('file-2 after 3 attempts');
    expect(failing.hits()).toBe(3);

    const missing = await filesServer([404], '');
    await expect(
      downloadFile({
        ...options,
        openai: new OpenAI({ apiKey: 'sk-x', baseURL: missing.url, maxRetries: 0 }),
      }),
    ).rejects.toThrow('after 1 attempts');
    expect(missing.hits()).toBe(1);
  });
});
