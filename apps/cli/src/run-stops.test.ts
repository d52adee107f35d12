import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHome, type TestHome } from './test-env';
import { runCli } from './test-support';

let server: MockServer;

beforeAll(async () => {
  server = await createMockServer({ output: { meanTokens: 5 } });
});
afterAll(() => server.close());

function promptsFile(
  test: TestHome,
  count: number,
  line = (index: number) => `"stop test ${index}"`,
): string {
  const path = join(test.root, 'in.jsonl');
  writeFileSync(path, `${Array.from({ length: count }, (_, index) => line(index)).join('\n')}\n`);
  return path;
}

function outputLines(path: string): Array<{ index: number; result?: unknown; error?: { name: string } }> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { index: number; result?: unknown; error?: { name: string } });
}

describe('maxllm run stops early', () => {
  it('stops on insufficient_quota, says how many lines were not sent; a re-run resumes', async () => {
    const test = createTestHome(server.url);
    const input = promptsFile(test, 20);
    const output = join(test.root, 'out.jsonl');
    server.enqueueFaults([{ fault: 'insufficient_quota' }]);
    const before = server.stats().requests;
    const first = await runCli(['run', input, '-o', output, '--concurrency', '1'], { env: test.env });
    expect(first.code).toBe(1);
    // One request got the quota answer; nothing more was sent.
    expect(server.stats().requests - before).toBe(1);
    expect(first.stderr).toMatch(/0 answered .* 1 failed, 19 not sent/);
    expect(first.stderr).toMatch(
      /stopped: .*insufficient_quota.*19 line\(s\) were not sent; re-run the same command/,
    );
    expect(outputLines(output).map((line) => line.error?.name)).toEqual(['QuotaExceededError']);
    const second = await runCli(['run', input, '-o', output, '--concurrency', '1'], { env: test.env });
    expect(second.code).toBe(0);
    expect(server.stats().requests - before).toBe(21);
    expect(second.stderr).toMatch(/20 answered .* 0 failed, 0 not sent/);
  });

  it('fails fast, before sending anything, on an unknown model, a missing key or an invalid limit (exit 3)', async () => {
    const test = createTestHome(server.url, {
      extraModels: `  - model_name: keyless
    litellm_params:
      model: gpt-4o-mini
`,
    });
    // rpm 0.5 admits nothing: refused before any request (the config loader may refuse it already).
    const slow = createTestHome(server.url, {
      extraModels: `  - model_name: trickle
    litellm_params:
      model: gpt-4o-mini
      api_base: ${server.url}
      api_key: test-key-for-limits
      rpm: 0.5
`,
    });
    // A "*" entry would match any name: use a config without one for the unknown model.
    const strict = createTestHome(server.url);
    writeFileSync(
      strict.configPath,
      readFileSync(strict.configPath, 'utf8')
        .replace('model_name: "*"', 'model_name: gpt-4o-mini')
        .replace('model: "*"', 'model: gpt-4o-mini'),
    );
    const input = promptsFile(test, 5);
    const before = server.stats().requests;
    const unknown = await runCli(['run', input, '-m', 'nope'], { env: strict.env });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/No model_list entry .* matches 'nope'/);
    const inLine = promptsFile(strict, 3, (index) =>
      index === 2 ? '{"prompt": "x", "model": "nope-in-a-line"}' : `"fine ${index}"`,
    );
    const named = await runCli(['run', inLine, '-m', 'gpt-4o-mini'], { env: strict.env });
    expect(named.code).toBe(3);
    expect(named.stderr).toMatch(/nope-in-a-line/);
    const keyless = await runCli(['run', input, '-m', 'keyless'], { env: test.env });
    expect(keyless.code).toBe(3);
    expect(keyless.stderr).toMatch(/model 'keyless' has no API key/);
    const trickle = await runCli(['run', input, '-m', 'trickle'], { env: slow.env });
    expect(trickle.code).toBe(3);
    expect(trickle.stderr).toMatch(/trickle|rpm/);
    expect(server.stats().requests).toBe(before);
    for (const result of [unknown, named, keyless, trickle]) expect(result.stdout).toBe('');
  });
});
