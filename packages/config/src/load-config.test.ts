import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigNotFoundError, findConfig, loadConfig, MissingEnvVarError, resolveHome } from './index';
import type { Logger, LoadConfigOptions } from './index';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A fresh temp tree: `<root>/home` (the user's home) and `<root>/work/project` (the cwd). */
function sandbox() {
  const root = mkdtempSync(join(tmpdir(), 'maxllm-config-'));
  const homeDir = join(root, 'home');
  const cwd = join(root, 'work', 'project');
  mkdirSync(join(homeDir, '.maxllm'), { recursive: true });
  mkdirSync(cwd, { recursive: true });
  const model = (name: string) =>
    `model_list:\n  - model_name: "*"\n    litellm_params: { model: ${name}, api_key: k }\n`;
  const load = (options: LoadConfigOptions = {}) =>
    loadConfig({ homeDir, cwd, env: {}, logger: silent, ...options });
  return { root, homeDir, cwd, model, load };
}

describe('discovery order', () => {
  test('MAXLLM_CONFIG_PATH, then ./maxllm.yaml, then ~/.maxllm/maxllm.yaml, then the built-in default', () => {
    const box = sandbox();
    expect(box.load({ env: { OPENAI_API_KEY: 'sk-x' } }).source).toBeUndefined();

    writeFileSync(join(box.homeDir, '.maxllm', 'maxllm.yaml'), box.model('from-home'));
    expect(box.load().resolveModel('a').model).toBe('from-home');

    writeFileSync(join(box.cwd, 'maxllm.yaml'), box.model('from-cwd'));
    const fromCwd = box.load();
    expect(fromCwd.source).toBe(join(box.cwd, 'maxllm.yaml'));
    expect(fromCwd.resolveModel('a').model).toBe('from-cwd');

    writeFileSync(join(box.root, 'explicit.yaml'), box.model('from-env-path'));
    const fromEnv = box.load({ env: { MAXLLM_CONFIG_PATH: '../../explicit.yaml' } });
    expect(fromEnv.source).toBe(join(box.root, 'explicit.yaml'));
    expect(fromEnv.resolveModel('a').model).toBe('from-env-path');

    writeFileSync(join(box.root, 'option.yaml'), box.model('from-option'));
    const fromOption = box.load({
      path: join(box.root, 'option.yaml'),
      env: { MAXLLM_CONFIG_PATH: 'explicit.yaml' },
    });
    expect(fromOption.resolveModel('a').model).toBe('from-option');
  });

  test('MAXLLM_CONFIG_PATH pointing nowhere is an error naming the path (not a silent default)', () => {
    const box = sandbox();
    writeFileSync(join(box.cwd, 'maxllm.yaml'), box.model('from-cwd'));
    const missing = join(box.root, 'nope.yaml');
    expect(() => box.load({ env: { MAXLLM_CONFIG_PATH: missing } })).toThrow(
      new ConfigNotFoundError(missing, 'MAXLLM_CONFIG_PATH'),
    );
    expect(() => box.load({ env: { MAXLLM_CONFIG_PATH: missing } })).toThrow(
      `MAXLLM_CONFIG_PATH points to ${missing}, which does not exist`,
    );
    expect(() => box.load({ path: missing })).toThrow(
      `The path option points to ${missing}, which does not exist`,
    );
  });

  test('the built-in default: one "*" model using OPENAI_API_KEY / OPENAI_API_BASE, 500 rpm / 200000 tpm', () => {
    const box = sandbox();
    const config = box.load({
      env: { OPENAI_API_KEY: 'sk-default-0001', OPENAI_API_BASE: 'http://base/v1' },
    });
    expect(config.source).toBeUndefined();
    expect(config.aliases()).toEqual(['*']);
    expect(config.resolveModel('gpt-4o-mini')).toMatchObject({
      model: 'gpt-4o-mini',
      uniqueName: 'gpt-4o-mini',
      apiKey: 'sk-default-0001',
      apiBase: 'http://base/v1',
      rpm: 500,
      tpm: 200_000,
    });
    expect(() => box.load().resolveModel('gpt-4o')).toThrow(
      "Environment variable OPENAI_API_KEY is not set (needed by model 'gpt-4o', model_list[0].litellm_params.api_key in the built-in default config)",
    );
  });
});

describe('MAXLLM_HOME', () => {
  test('home defaults to ~/.maxllm; paths live under it', () => {
    const box = sandbox();
    const config = box.load();
    const home = join(box.homeDir, '.maxllm');
    expect(config.home).toBe(home);
    expect(config.paths).toEqual({
      cache: join(home, 'cache'),
      logs: join(home, 'logs'),
      ledger: join(home, 'logs', 'openai_calls.csv'),
      batch: join(home, 'batch'),
    });
  });

  test('MAXLLM_HOME relocates every path and the home config file; ~ and relative paths are expanded', () => {
    const box = sandbox();
    const relocated = join(box.root, 'elsewhere');
    mkdirSync(relocated);
    writeFileSync(join(relocated, 'maxllm.yaml'), box.model('from-relocated-home'));
    writeFileSync(join(box.homeDir, '.maxllm', 'maxllm.yaml'), box.model('from-default-home'));
    const config = box.load({ env: { MAXLLM_HOME: '../../elsewhere' } });
    expect(config.home).toBe(relocated);
    expect(config.paths.ledger).toBe(join(relocated, 'logs', 'openai_calls.csv'));
    expect(config.resolveModel('x').model).toBe('from-relocated-home');
    expect(resolveHome({ MAXLLM_HOME: '~/mx' }, { homeDir: box.homeDir })).toBe(join(box.homeDir, 'mx'));
    expect(resolveHome({}, { homeDir: box.homeDir })).toBe(join(box.homeDir, '.maxllm'));
  });
});

describe('.env', () => {
  test('the nearest .env upward from cwd is read, never overriding variables already set', () => {
    const box = sandbox();
    writeFileSync(join(box.root, '.env'), 'FAR=far\nSHARED=far\n');
    writeFileSync(
      join(box.root, 'work', '.env'),
      'MY_KEY=sk-from-dotenv-0001\nALREADY=from-dotenv\n# comment\n',
    );
    writeFileSync(
      join(box.cwd, 'maxllm.yaml'),
      'model_list:\n  - model_name: "*"\n    litellm_params: { model: "*", api_key: os.environ/MY_KEY }\n',
    );
    const env = { ALREADY: 'from-env' };
    const config = box.load({ env });
    expect(config.resolveModel('m').apiKey).toBe('sk-from-dotenv-0001');
    expect(config.getEnv('ALREADY')).toBe('from-env');
    expect(config.getEnv('FAR')).toBeUndefined();
    expect(env).toEqual({ ALREADY: 'from-env' });
    expect(process.env.MY_KEY).toBeUndefined();
    expect(() => box.load({ dotenv: false }).resolveModel('m')).toThrow(MissingEnvVarError);
  });

  test('MAXLLM_DOTENV_PATH picks the file; its variables can point discovery and home elsewhere', () => {
    const box = sandbox();
    const other = join(box.root, 'other');
    mkdirSync(other);
    writeFileSync(join(box.cwd, '.env'), 'MAXLLM_HOME=/should/not/be/used\n');
    writeFileSync(
      join(other, 'custom.env'),
      `MAXLLM_CONFIG_PATH=${join(other, 'c.yaml')}\nMAXLLM_HOME=${other}\n`,
    );
    writeFileSync(join(other, 'c.yaml'), box.model('via-dotenv'));
    const config = box.load({ env: { MAXLLM_DOTENV_PATH: join(other, 'custom.env') } });
    expect(config.source).toBe(join(other, 'c.yaml'));
    expect(config.home).toBe(other);
    expect(config.resolveModel('x').model).toBe('via-dotenv');
  });

  test('a missing MAXLLM_DOTENV_PATH is a warning, not an error', () => {
    const box = sandbox();
    const warnings: string[] = [];
    const logger = { ...silent, warn: (message: string) => warnings.push(message) };
    const missing = join(box.root, 'missing.env');
    box.load({ env: { MAXLLM_DOTENV_PATH: missing, OPENAI_API_KEY: 'k' }, logger });
    expect(warnings).toEqual([
      `MAXLLM_DOTENV_PATH points to ${missing}, which does not exist; no .env loaded`,
    ]);
  });
});

describe('shared limits through Redis', () => {
  const file = (box: ReturnType<typeof sandbox>, redis: string) =>
    writeFileSync(join(box.cwd, 'maxllm.yaml'), `${box.model('m')}rate_limit:\n  redis_url: ${redis}\n`);

  test('rate_limit.redis_url, os.environ/ resolved; absent → undefined (in-process limits)', () => {
    const box = sandbox();
    expect(box.load({ env: { OPENAI_API_KEY: 'k' } }).redisUrl).toBeUndefined();
    file(box, 'os.environ/MY_REDIS');
    expect(box.load({ env: { MY_REDIS: 'redis://127.0.0.1:6379/2' } }).redisUrl).toBe(
      'redis://127.0.0.1:6379/2',
    );
    expect(() => box.load()).toThrow(
      `Environment variable MY_REDIS is not set (needed by rate_limit.redis_url in ${join(box.cwd, 'maxllm.yaml')})`,
    );
  });

  test('$MAXLLM_REDIS_URL (which may itself be os.environ/VAR) wins over the file', () => {
    const box = sandbox();
    file(box, 'redis://file:6379');
    expect(box.load({ env: { MAXLLM_REDIS_URL: 'redis://env:6379' } }).redisUrl).toBe('redis://env:6379');
    expect(box.load({ env: { MAXLLM_REDIS_URL: 'os.environ/R', R: 'redis://r:1' } }).redisUrl).toBe(
      'redis://r:1',
    );
    expect(box.load().redisUrl).toBe('redis://file:6379');
  });
});

test('a config path that is a folder is a ConfigError naming it', () => {
  const box = sandbox();
  expect(() => box.load({ path: box.root })).toThrow(`Cannot read config file ${box.root}: EISDIR`);
});

test('findConfig reports where loadConfig would read, with .env applied and without throwing', () => {
  const box = sandbox();
  const options = { homeDir: box.homeDir, cwd: box.cwd, env: {}, logger: silent };
  const home = join(box.homeDir, '.maxllm', 'maxllm.yaml');
  expect(findConfig(options)).toEqual({ path: home, exists: false, origin: 'home' });
  writeFileSync(join(box.cwd, 'maxllm.yaml'), box.model('m'));
  expect(findConfig(options)).toEqual({ path: join(box.cwd, 'maxllm.yaml'), exists: true, origin: 'cwd' });
  writeFileSync(join(box.cwd, '.env'), 'MAXLLM_CONFIG_PATH=broken.yaml\n');
  expect(findConfig(options)).toEqual({
    path: join(box.cwd, 'broken.yaml'),
    exists: false,
    origin: 'MAXLLM_CONFIG_PATH',
  });
  expect(() => box.load()).toThrow(ConfigNotFoundError);
});
