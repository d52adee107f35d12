import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHome } from './test-env';
import { runCli } from './test-support';

let server: MockServer;
beforeAll(async () => {
  server = await createMockServer({ output: { meanTokens: 5 } });
});
afterAll(() => server.close());

async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  return port;
}

// Issue 17 item 14: a Redis URL that refuses connections failed every line after ~1.6 s; `notaurl` was a host name.
describe('maxllm run with a Redis URL for shared limits', () => {
  it('an unreachable Redis fails once, before any request, naming the host', async () => {
    const test = createTestHome(server.url);
    const input = join(test.root, 'in.jsonl');
    writeFileSync(input, Array.from({ length: 30 }, (_, index) => JSON.stringify(`p${index}`)).join('\n'));
    const port = await closedPort();
    const before = server.stats().requests;
    const result = await runCli(['run', input, '-o', join(test.root, 'out.jsonl')], {
      env: { ...test.env, MAXLLM_REDIS_URL: `redis://user:hunter2-pass@127.0.0.1:${port}` },
    });
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter((line) => line.includes('error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`Cannot connect to Redis at 127.0.0.1:${port}`);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toContain('max retries per request');
    expect(server.stats().requests).toBe(before);
  });

  it('a malformed Redis URL is a config error at load (exit 3)', async () => {
    const test = createTestHome(server.url);
    const result = await runCli(['config', 'check'], { env: { ...test.env, MAXLLM_REDIS_URL: 'notaurl' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/MAXLLM_REDIS_URL is not a URL: expected redis:\/\/host:6379/);
  });
});
