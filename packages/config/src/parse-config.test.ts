import { describe, expect, test } from 'vitest';
import { ConfigError, ConfigParseError, ConfigSchemaError, parseConfig } from './index';
import type { Logger } from './index';

function capture() {
  const lines: string[] = [];
  const logger: Logger = {
    debug: (message) => lines.push(`debug ${message}`),
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
  return { lines, logger };
}
const parse = (text: string, logger: Logger = capture().logger) =>
  parseConfig(text, 'cfg.yaml', { env: {}, homeDir: '/nonexistent-home', cwd: '/', logger });

function errorOf(text: string): Error {
  try {
    parse(text);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected parseConfig to throw');
}

describe('malformed files', () => {
  test('bad YAML → ConfigParseError with file:line:column', () => {
    const error = errorOf('model_list:\n  - model_name: a\n    litellm_params: { model: [x }\n');
    expect(ConfigParseError.isInstance(error)).toBe(true);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ name: 'ConfigParseError', file: 'cfg.yaml', line: 3, column: 33 });
    expect(error.message).toBe(
      'Invalid YAML in cfg.yaml:3:33: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  test('an undefined anchor is a parse error', () => {
    const error = errorOf('model_list:\n  - model_name: a\n    <<: *missing\n');
    expect(error.message).toBe(
      'Invalid YAML in cfg.yaml:3:9: alias *missing refers to no anchor (define &missing before using it)',
    );
  });

  test('wrong type → ConfigSchemaError with key path and the value position', () => {
    const error = errorOf(
      'model_list:\n  - model_name: a\n    litellm_params:\n      model: m\n      rpm: fast\n',
    );
    expect(ConfigSchemaError.isInstance(error)).toBe(true);
    expect(ConfigParseError.isInstance(error)).toBe(false);
    expect(error).toMatchObject({ keyPath: 'model_list[0].litellm_params.rpm', line: 5, column: 12 });
    expect(error.message).toBe(
      'Invalid config cfg.yaml:5:12 at model_list[0].litellm_params.rpm: expected a number, got a string',
    );
  });

  test('a bad value inherited through a merge key points at the anchor base', () => {
    const text = [
      'model_list:',
      '  - &base',
      '    litellm_params:',
      '      model: m',
      '      local: "yes"',
      '  - model_name: a',
      '    <<: *base',
    ].join('\n');
    expect(errorOf(text).message).toBe(
      'Invalid config cfg.yaml:5:14 at model_list[1].litellm_params.local: expected a boolean, got a string',
    );
  });

  test.each([
    [
      'model_list:\n  - model_name: a\n    litellm_params: { api_key: k }\n',
      'Invalid config cfg.yaml:3:21 at model_list[0].litellm_params.model: is required (write `model: ~` to send the requested name as the model)',
    ],
    [
      'model_list:\n  - model_name: a\n',
      'Invalid config cfg.yaml:2:5 at model_list[0].litellm_params: is required',
    ],
    ['model_list: {}\n', 'Invalid config cfg.yaml:1:13 at model_list: expected a list, got a mapping'],
    ['- a\n- b\n', 'Invalid config cfg.yaml:1:1: expected a mapping, got a list'],
    [
      'model_list:\n  - model_name: a\n    litellm_params: { model: m, rpm: -5 }\n',
      'Invalid config cfg.yaml:3:38 at model_list[0].litellm_params.rpm: must be at least 1 (requests per minute; MaxLLM cannot pace a rate below one per minute)',
    ],
    [
      'model_list:\n  - model_name: a\n    litellm_params: { model: m, mode: rerank }\n',
      'Invalid config cfg.yaml:3:39 at model_list[0].litellm_params.mode: must be one of chat, embedding, completion',
    ],
    [
      'model_list:\n  - model_name: a\n    litellm_params: { model: m, concurrency: 2.5 }\n',
      'Invalid config cfg.yaml:3:46 at model_list[0].litellm_params.concurrency: must be a whole number',
    ],
    [
      'model_list:\n  - just-a-string\n',
      'Invalid config cfg.yaml:2:5 at model_list[0]: expected a mapping, got a string',
    ],
    [
      'rate_limit:\n  default:\n    - { model_name: "*", rpm: "500" }\n',
      'Invalid config cfg.yaml:3:31 at rate_limit.default[0].rpm: expected a number, got a string',
    ],
    [
      'ledger: { previews: 1 }\n',
      'Invalid config cfg.yaml:1:21 at ledger.previews: expected a boolean, got a number',
    ],
  ])('%j → exact message', (text, message) => {
    const error = errorOf(text);
    expect(ConfigSchemaError.isInstance(error)).toBe(true);
    expect(error.message).toBe(message);
  });

  test('several problems: every one in the message, one per line, and in issues', () => {
    const error = errorOf(
      'model_list:\n  - model_name: a\n    litellm_params: { model: m, rpm: x, tpm: y }\n  - model_name: 3\n    litellm_params: { model: m }\n',
    ) as ConfigSchemaError;
    expect(error.message).toBe(
      [
        'Invalid config cfg.yaml: 3 problems',
        'cfg.yaml:3:38 at model_list[0].litellm_params.rpm: expected a number, got a string',
        'cfg.yaml:3:46 at model_list[0].litellm_params.tpm: expected a number, got a string',
        'cfg.yaml:4:17 at model_list[1].model_name: expected a string, got a number',
      ].join('\n'),
    );
    expect(error.issues.map((issue) => `${issue.keyPath}@${issue.line}:${issue.column}`)).toEqual([
      'model_list[0].litellm_params.rpm@3:38',
      'model_list[0].litellm_params.tpm@3:46',
      'model_list[1].model_name@4:17',
    ]);
  });

  test.each([[''], ['\n\n'], ['# only a comment\n'], ['---\n']])(
    'an empty file (%j) is a ConfigSchemaError, not the default config',
    (text) => {
      const error = errorOf(text);
      expect(ConfigSchemaError.isInstance(error)).toBe(true);
      expect(error.message).toBe(
        'Invalid config cfg.yaml:1:1: the file is empty; expected a mapping with model_list and rate_limit (delete the file to use the built-in default)',
      );
    },
  );
});

describe('valid files', () => {
  test('anchors and <<: merge keys work at item and at litellm_params level; items without model_name are skipped', () => {
    const text = [
      'x-params: &params',
      '  api_base: http://base/v1',
      '  rpm: 10',
      'model_list:',
      '  - &base',
      '    litellm_params:',
      '      model: base-model',
      '      tpm: 1234',
      '  - model_name: inherits',
      '    <<: *base',
      '  - model_name: overrides',
      '    litellm_params:',
      '      <<: *params',
      '      model: own',
      '      rpm: 20',
    ].join('\n');
    const config = parse(text);
    expect(config.aliases()).toEqual(['inherits', 'overrides']);
    expect(config.resolveModel('inherits')).toMatchObject({ model: 'base-model', tpm: 1234 });
    expect(config.resolveModel('overrides')).toMatchObject({
      model: 'own',
      apiBase: 'http://base/v1',
      rpm: 20,
    });
    expect(config.warnings).toEqual(['cfg.yaml:1:1: unknown key x-params ignored']);
  });

  test('unknown keys warn (once per place, with position) and go to logger.warn; custom_llm_provider is silent', () => {
    const { lines, logger } = capture();
    const text = [
      'general_settings: {}',
      'model_list:',
      '  - &b',
      '    litellm_params: { model: m, custom_llm_provider: openai, api_version: "1" }',
      '  - model_name: one',
      '    <<: *b',
      '  - model_name: two',
      '    <<: *b',
      '    model_info: { id: 1 }',
      '    extra: true',
      'rate_limit:',
      '  default: [{ model_name: "*", rpm: 1, burst: 2 }]',
      'ledger: { previews: false, color: red }',
    ].join('\n');
    const config = parse(text, logger);
    const expected = [
      'cfg.yaml:1:1: unknown key general_settings ignored',
      'cfg.yaml:13:28: unknown key ledger.color ignored',
      'cfg.yaml:12:40: unknown key rate_limit.default[0].burst ignored',
      'cfg.yaml:4:62: unknown key model_list[1].litellm_params.api_version ignored',
      'cfg.yaml:10:5: unknown key model_list[2].extra ignored',
    ];
    expect(config.warnings).toEqual(expected);
    expect(lines.filter((line) => line.startsWith('warn '))).toEqual(expected.map((line) => `warn ${line}`));
    expect(config.ledger.previews).toBe(false);
  });

  test('a file without model_list uses the built-in "*" model; ledger.previews defaults to true', () => {
    const config = parse('rate_limit:\n  default: [{ model_name: "*", rpm: 7, tpm: 8 }]\n');
    expect(config.aliases()).toEqual(['*']);
    expect(config.ledger.previews).toBe(true);
    expect(config.source).toBe('cfg.yaml');
    expect(config.redisUrl).toBeUndefined();
  });
});

test('kvcache_tokens (original only) warns once per place, even when inherited by several aliases', () => {
  const config = parse(
    'model_list:\n  - &b\n    litellm_params: { model: m, kvcache_tokens: 1.0e8 }\n  - model_name: a\n    <<: *b\n  - model_name: c\n    <<: *b\n',
  );
  expect(config.warnings).toEqual([
    'cfg.yaml:3:33: model_list[1].litellm_params.kvcache_tokens is not supported yet; ignored',
  ]);
});
