import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestHome, testApiKey } from './test-env';
import { runCli } from './test-support';

const extraModels = `  - model_name: glm-*
    litellm_params:
      model: ~
      api_key: os.environ/GLM_TEST_KEY
`;

describe('maxllm config', () => {
  it('path prints the file in use, and fails when there is none', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1');
    const found = await runCli(['config', 'path'], { env: test.env });
    expect(found.code).toBe(0);
    expect(found.stdout.trim()).toBe(test.configPath);
    const none = await runCli(['config', 'path'], { env: { MAXLLM_HOME: test.home } });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no config file: using the built-in default/);
  });

  it('show lists paths and resolved models with the key redacted', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1', { extraModels });
    const result = await runCli(['config', 'show'], { env: test.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`home:     ${test.home}`);
    expect(result.stdout).toMatch(/key sk-\.\.\.9876/);
    expect(result.stdout).toMatch(/glm-\*: \(cannot resolve: Environment variable GLM_TEST_KEY is not set/);
    expect(result.stdout + result.stderr).not.toContain(testApiKey);
    const json = await runCli(['config', 'show', '--json'], { env: test.env });
    const parsed = JSON.parse(json.stdout);
    expect(parsed.source).toBe(test.configPath);
    expect(parsed.models).toHaveLength(2);
    expect(json.stdout).not.toContain(testApiKey);
  });

  it('show with no config file describes the built-in default without printing OPENAI_API_KEY', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1');
    const key = 'sk-from-the-environment-4242';
    const result = await runCli(['config', 'show'], {
      env: { MAXLLM_HOME: test.home, OPENAI_API_KEY: key, OPENAI_API_BASE: 'http://127.0.0.1:9/v1' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^config: +\(built-in default/m);
    expect(result.stdout).toMatch(/key sk-\.\.\.4242/);
    expect(result.stdout + result.stderr).not.toContain(key);
  });

  it('check exits 3 naming the variable a model needs, and 0 once it is set', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1', { extraModels });
    const failing = await runCli(['config', 'check', 'glm-4.6'], { env: test.env });
    expect(failing.code).toBe(3);
    expect(failing.stdout).toMatch(/error: +glm-4\.6: Environment variable GLM_TEST_KEY is not set/);
    expect(failing.stderr).toMatch(/maxllm: error: 2 of 3 model entries cannot be resolved/);
    const passing = await runCli(['config', 'check', 'glm-4.6'], {
      env: { ...test.env, GLM_TEST_KEY: 'sk-glm-abcdefghijkl' },
    });
    expect(passing.code).toBe(0);
    expect(passing.stdout).toMatch(/3 model entries resolved/);
    expect(passing.stdout).not.toContain('sk-glm-abcdefghijkl');
  });

  it('a malformed config file gives a one-line message with file and line, exit 3, no stack', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1');
    writeFileSync(test.configPath, 'model_list:\n  - model_name: "*"\n    litellm_params: [unclosed\n');
    const result = await runCli(['config', 'show'], { env: test.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^maxllm: error: .*maxllm\.yaml:\d+:\d+/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const verbose = await runCli(['--verbose', 'config', 'show'], { env: test.env });
    expect(verbose.code).toBe(3);
    expect(verbose.stderr).toMatch(/\n\s+at /);
    const schema = createTestHome('http://127.0.0.1:9/v1');
    writeFileSync(
      schema.configPath,
      'model_list:\n  - model_name: "*"\n    litellm_params:\n      model: "*"\n      rpm: lots\n',
    );
    const wrongType = await runCli(['config', 'check'], { env: schema.env });
    expect(wrongType.code).toBe(3);
    expect(wrongType.stdout).toMatch(/model_list\[0\]\.litellm_params\.rpm/);
  });

  it('check lists every problem with line:col, including limits the limiter would refuse', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1');
    writeFileSync(
      test.configPath,
      [
        'model_list:',
        '  - model_name: a',
        '    litellm_params:',
        '      model: m',
        '      rpm: 0.5',
        '      tpm: .inf',
        '      concurrency: "x"',
        '  - litellm_params: { model: forgotten }',
        'rate_limit:',
        '  redis_url: notaurl',
      ].join('\n'),
    );
    const result = await runCli(['config', 'check'], { env: test.env });
    expect(result.code).toBe(3);
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toEqual([
      `error:   ${test.configPath}:5:12: model_list[0].litellm_params.rpm: must be at least 1 (requests per minute; MaxLLM cannot pace a rate below one per minute)`,
      `error:   ${test.configPath}:6:12: model_list[0].litellm_params.tpm: must be a finite number, not .inf`,
      `error:   ${test.configPath}:7:20: model_list[0].litellm_params.concurrency: expected a number, got a string`,
      `error:   ${test.configPath}:8:5: model_list[1]: has no model_name (every entry needs one; an entry used only as a base for \`<<: *name\` needs an \`&name\` anchor)`,
      `error:   ${test.configPath}:10:14: rate_limit.redis_url: is not a URL: expected redis://host:6379 or rediss://user:password@host:6380/0`,
    ]);
    expect(result.stderr).toMatch(/maxllm: error: 5 problems in /);
    expect(result.stdout + result.stderr).not.toMatch(/intervalMs|got a number|more problem/);
  });

  it('check names the built-in default when a typo leaves the file without model_list', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1');
    writeFileSync(test.configPath, 'modle_list:\n  - model_name: a\n    litellm_params: { model: m }\n');
    const result = await runCli(['config', 'check'], {
      env: { ...test.env, OPENAI_API_KEY: '' },
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(
      `warning: ${test.configPath}:1:1: unknown key modle_list ignored (did you mean model_list?)`,
    );
    expect(result.stdout).toMatch(
      /error: +\*: Environment variable OPENAI_API_KEY is not set \(needed by model '\*', model_list\[0\]\.litellm_params\.api_key in the built-in default config\)/,
    );
  });

  it('--config naming a missing file is a usage error', async () => {
    const result = await runCli(['--config', '/nonexistent/maxllm.yaml', 'config', 'show']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--config: \/nonexistent\/maxllm\.yaml does not exist/);
  });

  it('edit creates a starter file under the home, runs the editor on it, then checks it', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1');
    const editor = join(test.root, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\necho "# edited" >> "$1"\n', { mode: 0o755 });
    const result = await runCli(['config', 'edit'], { env: { MAXLLM_HOME: test.home, EDITOR: editor } });
    expect(result.code).toBe(0);
    const created = join(test.home, 'maxllm.yaml');
    expect(existsSync(created)).toBe(true);
    expect(readFileSync(created, 'utf8')).toMatch(/model_list:[\s\S]*# edited\n$/);
    expect(result.stdout).toMatch(/valid, 1 model entry/);
    const broken = join(test.root, 'break.sh');
    writeFileSync(broken, '#!/bin/sh\necho "model_list: 42" > "$1"\n', { mode: 0o755 });
    const invalid = await runCli(['config', 'edit', '--editor', broken], { env: test.env });
    expect(invalid.code).toBe(3);
    const failing = await runCli(['config', 'edit', '--editor', 'false'], { env: test.env });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/the editor "false" failed/);
  });
});
