import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHome, testApiKey, type TestHome } from './test-env';
import { runCli } from './test-support';

let server: MockServer;
let test: TestHome;

beforeAll(async () => {
  server = await createMockServer({ output: { meanTokens: 20 } });
  test = createTestHome(server.url);
});
afterAll(() => server.close());

describe('maxllm chat', () => {
  it('answers a prompt given as arguments, and the second time from the cache', async () => {
    const first = await runCli(['chat', 'Say', 'hello'], { env: test.env });
    expect(first.code).toBe(0);
    expect(first.stdout.trim().length).toBeGreaterThan(0);
    const requests = server.stats().requests;
    const second = await runCli(['chat', 'Say hello'], { env: test.env });
    expect(second.stdout).toBe(first.stdout);
    expect(server.stats().requests).toBe(requests);
    const forced = await runCli(['chat', '--no-cache', 'Say hello'], { env: test.env });
    expect(forced.code).toBe(0);
    expect(server.stats().requests).toBe(requests + 1);
  });

  it('reads the prompt from piped stdin, with a system prompt', async () => {
    const before = server.stats().requests;
    const result = await runCli(['chat', '-s', 'Be brief.', '-m', 'gpt-4.1-mini'], {
      env: test.env,
      input: 'A prompt from a pipe\n',
    });
    expect(result.code).toBe(0);
    expect(result.stdout.trim().length).toBeGreaterThan(0);
    expect(server.stats().byModel['gpt-4.1-mini']?.requests).toBeGreaterThanOrEqual(1);
    expect(server.stats().requests).toBe(before + 1);
  });

  it('--json prints a JSON object, --schema output follows the schema, --raw prints the API response', async () => {
    const json = await runCli(['chat', '--json', 'Give me JSON'], { env: test.env });
    expect(json.code).toBe(0);
    expect(typeof JSON.parse(json.stdout)).toBe('object');

    const schemaPath = join(test.root, 'person.schema.json');
    writeFileSync(
      schemaPath,
      JSON.stringify({
        title: 'person',
        type: 'object',
        properties: {
          name: { type: 'string' },
          age: { type: 'integer' },
          tags: { type: 'array', items: { type: 'string' } },
        },
        required: ['name', 'age', 'tags'],
        additionalProperties: false,
      }),
    );
    const structured = await runCli(['chat', '--schema', schemaPath, 'Invent a person'], { env: test.env });
    expect(structured.code).toBe(0);
    const person = JSON.parse(structured.stdout);
    expect(typeof person.name).toBe('string');
    expect(Number.isInteger(person.age)).toBe(true);
    expect(Array.isArray(person.tags)).toBe(true);

    const raw = await runCli(['chat', '--raw', 'Raw please'], { env: test.env });
    expect(raw.code).toBe(0);
    const response = JSON.parse(raw.stdout);
    expect(response.object).toBe('chat.completion');
    expect(response.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('bad input: no prompt, unreadable schema, --json with --schema, unknown model pattern', async () => {
    const empty = await runCli(['chat'], { env: test.env, input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no prompt/);
    const schema = await runCli(['chat', '--schema', '/nonexistent.json', 'x'], { env: test.env });
    expect(schema.code).toBe(1);
    expect(schema.stderr).toMatch(/--schema: cannot read \/nonexistent\.json/);
    const both = await runCli(['chat', '--json', '--schema', '/x.json', 'x'], { env: test.env });
    expect(both.code).toBe(2);
    const notJson = join(test.root, 'bad.json');
    writeFileSync(notJson, '{ nope');
    const invalid = await runCli(['chat', '--schema', notJson, 'x'], { env: test.env });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/is not valid JSON/);
  });

  it('a model the config cannot resolve is a configuration error (exit 3), in chat and in run', async () => {
    const home = createTestHome(server.url, {
      extraModels:
        '  - model_name: needs-key\n    litellm_params:\n      model: x\n      api_key: os.environ/UNSET_CHAT_VARIABLE\n',
    });
    const chat = await runCli(['chat', '-m', 'needs-key', 'hi'], { env: home.env });
    expect(chat.code).toBe(3);
    expect(chat.stderr).toMatch(/^maxllm: error: Environment variable UNSET_CHAT_VARIABLE is not set/m);
    // run checks its models before sending anything: the same exit 3, and no output line.
    const run = await runCli(['run', '-', '-m', 'needs-key'], { env: home.env, input: '"hi"\n' });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/UNSET_CHAT_VARIABLE/);
    expect(run.stdout).toBe('');
  });

  it('an API error gives one line naming the model and a non-zero exit, never the key', async () => {
    const failing = await createMockServer({ apiKey: 'sk-the-server-wants-another-key' });
    try {
      const home = createTestHome(failing.url);
      const result = await runCli(['chat', 'hello'], { env: home.env });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/maxllm: error: .*gpt-4o-mini/);
      expect(result.stderr).toMatch(/401/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stderr + result.stdout).not.toContain(testApiKey);
    } finally {
      await failing.close();
    }
  });
});

describe('maxllm test', () => {
  it('sends one request past the cache and prints answer and latency', async () => {
    const before = server.stats().requests;
    for (let round = 0; round < 2; round += 1) {
      const result = await runCli(['test', 'gpt-4o-mini'], { env: test.env });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^answer: +\S/m);
      expect(result.stdout).toMatch(/^latency: +\d+ ms/m);
      expect(result.stdout).toMatch(/key sk-\.\.\.9876/);
      expect(result.stdout).not.toContain(testApiKey);
    }
    expect(server.stats().requests).toBe(before + 2);
  });

  it('a model the config cannot resolve exits 3', async () => {
    const home = createTestHome(server.url, {
      extraModels:
        '  - model_name: needs-key\n    litellm_params:\n      model: x\n      api_key: os.environ/UNSET_TEST_VARIABLE\n',
    });
    const result = await runCli(['test', 'needs-key'], { env: home.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/UNSET_TEST_VARIABLE/);
  });
});
