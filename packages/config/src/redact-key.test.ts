import { expect, test } from 'vitest';
import { parseConfig, redactKey, redactUrl, redactUrlsIn } from './index';

test('redactKey keeps the sk- prefix and the last 4 characters only', () => {
  expect(redactKey('sk-proj-abcdefghijklmnop1234')).toBe('sk-...1234');
  expect(redactKey('abcdefghijklmnopqrst')).toBe('...qrst');
  expect(redactKey('sk-short')).toBe('***');
  expect(redactKey('')).toBe('(none)');
  expect(redactKey(undefined)).toBe('(none)');
});

test('redactUrl hides a password only', () => {
  expect(redactUrl('redis://user:hunter2secret@host:6379/0')).toBe('redis://user:***@host:6379/0');
  expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  expect(redactUrl(undefined)).toBe('(none)');
});

// Issue 17 item 10: `config show` and `maxllm test` printed an api_base's password or `?api-key=` value in clear.
test.each([
  ['https://user:hunter2-pass@llm.example.com/v1', 'https://user:***@llm.example.com/v1'],
  ['https://tok3n-as-user-0123456789@llm.example.com/v1', 'https://***@llm.example.com/v1'],
  [
    'https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21&api-key=hunter2-0123456789',
    'https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21&api-key=***',
  ],
  [
    'https://generativelanguage.example/v1beta?key=hunter2-0123456789',
    'https://generativelanguage.example/v1beta?key=***',
  ],
  [
    'https://h/v1?access_token=hunter2&sig=hunter2&x-goog-api-key=hunter2',
    'https://h/v1?access_token=***&sig=***&x-goog-api-key=***',
  ],
  ['https://api.example.com/v1?monkey=1', 'https://api.example.com/v1?monkey=1'],
  ['http://127.0.0.1:8000/v1', 'http://127.0.0.1:8000/v1'],
])('redactUrl(%j) → %j', (url, shown) => {
  expect(redactUrl(url)).toBe(shown);
});

test('redactUrlsIn hides URL credentials inside any text', () => {
  const text =
    'fetch https://user:hunter2-pass@h/v1/chat?api-key=hunter2-key&x=1 failed; see https://tok@h2/ and key=plain';
  expect(redactUrlsIn(text)).toBe(
    'fetch https://user:***@h/v1/chat?api-key=***&x=1 failed; see https://***@h2/ and key=plain',
  );
});

test('describe() (config show, maxllm test, debug logs) shows api_base with its credentials redacted', () => {
  const config = parseConfig(
    [
      'model_list:',
      '  - model_name: basic',
      '    litellm_params: { model: m, api_key: k, api_base: "https://me:hunter2-pass@llm.example.com/v1" }',
      '  - model_name: query',
      '    litellm_params: { model: m, api_key: k, api_base: "https://llm.example.com/v1?api-key=hunter2-key" }',
    ].join('\n'),
    'cfg.yaml',
    {
      env: {},
      homeDir: '/nonexistent-home',
      cwd: '/',
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    },
  );
  const basic = config.resolveModel('basic').describe();
  const query = config.resolveModel('query').describe();
  expect(basic).toContain('at https://me:***@llm.example.com/v1,');
  expect(query).toContain('at https://llm.example.com/v1?api-key=***,');
  expect(basic + query).not.toContain('hunter2');
  expect(JSON.stringify(config.resolveModel('query'))).not.toContain('hunter2');
  // The resolved model still carries the real URL for the SDK.
  expect(config.resolveModel('basic').apiBase).toBe('https://me:hunter2-pass@llm.example.com/v1');
});
