import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadConfig, parseConfig } from './index';
import type { Logger } from './index';

// Every secret holds the marker, so one substring check covers them all.
const marker = 'S3CR3T';
const literalKey = `sk-literal-${marker}-0001`;
const envKey = `sk-env-${marker}-0002`;
const dotenvKey = `sk-dotenv-${marker}-0003`;
const openaiKey = `sk-openai-${marker}-0004`;
const redisPassword = `redis-${marker}-pw`;

test('no API key value appears in any log line, warning, description or error message', () => {
  const root = mkdtempSync(join(tmpdir(), 'maxllm-config-'));
  const cwd = join(root, 'project');
  mkdirSync(cwd);
  writeFileSync(join(root, '.env'), `DOTENV_KEY=${dotenvKey}\n`);
  const good = [
    'model_list:',
    '  - model_name: literal',
    `    litellm_params: { model: m, api_key: ${literalKey}, unknown_secret: ${literalKey} }`,
    '  - model_name: from-env',
    '    litellm_params: { model: m, api_key: os.environ/ENV_KEY }',
    '  - model_name: from-dotenv',
    '    litellm_params: { model: m, api_key: os.environ/DOTENV_KEY }',
    '  - model_name: missing',
    '    litellm_params: { model: m, api_key: os.environ/NOT_SET }',
    '  - model_name: "bad-*"',
    '    litellm_params: { model: "*-*", api_key: os.environ/ENV_KEY }',
    '  - model_name: "*"',
    '    litellm_params: { model: "*" }',
    `${literalKey}: ${literalKey}`,
    `extra: sk-pasted-as-a-key-${marker}-abcdefghijklmnopqrstuvwxyz`,
    'rate_limit:',
    '  redis_url: os.environ/REDIS',
  ].join('\n');
  writeFileSync(join(cwd, 'maxllm.yaml'), good);

  const output: string[] = [];
  const logger: Logger = {
    debug: (message) => output.push(message),
    info: (message) => output.push(message),
    warn: (message) => output.push(message),
    error: (message) => output.push(message),
  };
  const env = {
    ENV_KEY: envKey,
    OPENAI_API_KEY: openaiKey,
    REDIS: `redis://user:${redisPassword}@127.0.0.1:6379`,
  };
  const record = (fn: () => unknown) => {
    try {
      const value = fn();
      if (typeof value === 'string') output.push(value);
    } catch (error) {
      output.push(String(error), (error as Error).message, JSON.stringify(error));
    }
  };

  const config = loadConfig({ cwd, homeDir: root, env, logger });
  output.push(...config.warnings);
  for (const name of ['literal', 'from-env', 'from-dotenv', 'other']) {
    const model = config.resolveModel(name);
    expect(model.apiKey).toContain(marker);
    output.push(model.describe());
  }
  record(() => config.resolveModel('missing'));
  record(() => config.resolveModel('bad-x'));
  record(() => parseConfig(good, 'x.yaml', { env: {}, logger }).resolveModel('missing'));

  const broken = [
    `model_list: [ { model_name: a, litellm_params: { model: m, api_key: "${literalKey} } ]`,
    `model_list:\n  - model_name: a\n    litellm_params: { model: m, api_key: ${literalKey}: x }`,
    `model_list:\n  - model_name: a\n    litellm_params: { model: m, api_key: [${literalKey}] }`,
    `model_list:\n  - model_name: a\n    litellm_params: { model: m, api_key: { ${literalKey}: 1 } }`,
    `model_list:\n  - model_name: a\n    litellm_params:\n      model: m\n      api_key: ${literalKey}\n     rpm: 1`,
    `${literalKey}\n- x`,
    `model_list: ${literalKey}`,
  ];
  for (const text of broken) record(() => parseConfig(text, 'broken.yaml', { env, logger }));

  expect(config.warnings).toContainEqual(`${join(cwd, 'maxllm.yaml')}:14:1: unknown key sk-...0001 ignored`);
  expect(output.length).toBeGreaterThan(15);
  const leaks = output.filter((line) => line.includes(marker));
  expect(leaks).toEqual([]);
});
