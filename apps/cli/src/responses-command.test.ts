import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHome, testApiKey, type TestHome } from './test-env';
import { runCli } from './test-support';

let server: MockServer;
let test: TestHome;

beforeAll(async () => {
  server = await createMockServer({ batch: { stepMs: 100 }, output: { meanTokens: 12 } });
  // A model that speaks the Responses API: the config says so, the commands need no flag.
  test = createTestHome(server.url, {
    extraModels: `  - model_name: resp
    litellm_params:
      model: gpt-5-mini
      api: responses
      api_base: ${server.url}
      api_key: ${testApiKey}
`,
  });
});
afterAll(() => server.close());

const responsesCalls = (): number => server.stats().byEndpoint['POST /v1/responses'] ?? 0;

function resultLines(text: string): Array<{ index: number; result?: unknown; error?: unknown }> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { index: number; result?: unknown; error?: unknown });
}

describe('CLI commands on a Responses model (api: responses in the config)', () => {
  it('chat: plain, --json and --raw go to /v1/responses; the second ask is a cache hit', async () => {
    const first = await runCli(['chat', '-m', 'resp', '-s', 'Be brief.', 'Say hello'], { env: test.env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.trim().length).toBeGreaterThan(0);
    expect(responsesCalls()).toBe(1);
    const again = await runCli(['chat', '-m', 'resp', '-s', 'Be brief.', 'Say hello'], { env: test.env });
    expect(again.stdout).toBe(first.stdout);
    expect(responsesCalls()).toBe(1);
    const json = await runCli(['chat', '-m', 'resp', '--json', 'Give me JSON'], { env: test.env });
    expect(json.code).toBe(0);
    expect(typeof JSON.parse(json.stdout)).toBe('object');
    const raw = await runCli(['chat', '-m', 'resp', '--raw', 'Raw please'], { env: test.env });
    expect(raw.code).toBe(0);
    expect(JSON.parse(raw.stdout)).toMatchObject({ object: 'response', status: 'completed' });
    expect(responsesCalls()).toBe(3);
  });

  it('run: every line answered through /v1/responses', async () => {
    const input = join(test.root, 'run.jsonl');
    writeFileSync(input, '"one"\n{"prompt": "two", "systemPrompt": "Be brief."}\n"three"\n');
    const before = responsesCalls();
    const output = join(test.root, 'run-out.jsonl');
    const result = await runCli(['run', input, '-m', 'resp', '-o', output], { env: test.env });
    expect(result.code).toBe(0);
    const lines = resultLines(readFileSync(output, 'utf8'));
    // Lines are written as answers arrive: any order, each index once.
    expect(lines.map((line) => line.index).sort()).toEqual([0, 1, 2]);
    expect(lines.every((line) => typeof line.result === 'string' && line.result.length > 0)).toBe(true);
    expect(responsesCalls()).toBe(before + 3);
  });

  it('batch: /v1/responses jobs; a later online run is served from the cache', async () => {
    const input = join(test.root, 'batch.jsonl');
    writeFileSync(input, '"first"\n{"prompt": "second", "temperature": 0}\n');
    const submit = await runCli(['batch', 'submit', input, '-m', 'resp', '--workspace', 'resp-batch'], {
      env: test.env,
    });
    expect(submit.stderr).toBe('');
    expect(submit.code).toBe(0);
    const output = join(test.root, 'batch-out.jsonl');
    const results = await runCli(
      ['batch', 'results', 'resp-batch', '--wait', '--poll', '100ms', '-o', output],
      { env: test.env },
    );
    expect(results.code).toBe(0);
    const lines = resultLines(readFileSync(output, 'utf8'));
    expect(lines.every((line) => typeof line.result === 'string')).toBe(true);
    expect(server.stats().batchLines).toBeGreaterThanOrEqual(2);

    const before = server.stats().requests;
    const online = await runCli(['run', input, '-m', 'resp', '-o', join(test.root, 'online.jsonl')], {
      env: test.env,
    });
    expect(online.stderr).toMatch(/2 answered \(2 from the cache\)/);
    expect(server.stats().requests).toBe(before);
  });
});
