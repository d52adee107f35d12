import { describe, expect, test } from 'vitest';
import { ConfigSchemaError, InvalidRedisUrlError, MissingEnvVarError, parseConfig } from './index';
import type { Logger } from './index';

// Issue 17 item 9 (`config check` passed configs that then failed every call) and item 14 (Redis URL at load).
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const parse = (text: string, env: Record<string, string> = {}) =>
  parseConfig(text, 'cfg.yaml', { env, homeDir: '/nonexistent-home', cwd: '/', logger: silent });

function schemaError(text: string): ConfigSchemaError {
  try {
    parse(text);
  } catch (error) {
    if (ConfigSchemaError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigSchemaError');
}
const issuesOf = (text: string) =>
  schemaError(text).issues.map((issue) => `${issue.line}:${issue.column} ${issue.keyPath}: ${issue.message}`);

describe('limits are checked at load the way the rate limiter checks them', () => {
  test('rpm below 1 is rejected in words a YAML user can act on (not intervalMs)', () => {
    const issues = issuesOf(
      'model_list:\n  - model_name: a\n    litellm_params:\n      model: m\n      rpm: 0.5\n',
    );
    expect(issues).toEqual([
      '5:12 model_list[0].litellm_params.rpm: must be at least 1 (requests per minute; MaxLLM cannot pace a rate below one per minute)',
    ]);
    expect(issues.join()).not.toContain('intervalMs');
  });

  test('rate_limit entries and upper bounds follow the same rule', () => {
    const issues = issuesOf(
      'rate_limit:\n  default:\n    - { model_name: "*", rpm: 0.2, tpm: 0.5 }\n  custom_limits:\n    - { model_name: x, rpm_upper_bound: 0 }\n',
    );
    expect(issues.map((issue) => issue.split(':')[1]?.trim().split(' ')[1])).toEqual([
      'rate_limit.default[0].rpm',
      'rate_limit.default[0].tpm',
      'rate_limit.custom_limits[0].rpm_upper_bound',
    ]);
  });

  test.each([
    ['.inf', '.inf'],
    ['-.inf', '-.inf'],
    ['.nan', '.nan'],
  ])('tpm: %s says it must be finite (not "expected a number, got a number")', (value, spelled) => {
    const issues = issuesOf(
      `model_list:\n  - model_name: a\n    litellm_params: { model: m, tpm: ${value} }\n`,
    );
    expect(issues).toEqual([
      `3:38 model_list[0].litellm_params.tpm: must be a finite number, not ${spelled}`,
    ]);
  });
});

describe('every problem at once, each with line:col', () => {
  test('type problems in several entries and sections are all reported', () => {
    const text = [
      'model_list:',
      '  - model_name: a',
      '    litellm_params:',
      '      model: m',
      '      rpm: 0.5',
      '      tpm: .inf',
      '      concurrency: "x"',
      '  - model_name: b',
      '    litellm_params: { model: m, weight: -1 }',
      'rate_limit:',
      '  default: [{ model_name: "*", rpm: lots }]',
      'ledger: { previews: 1 }',
    ].join('\n');
    const error = schemaError(text);
    expect(error.issues.map((issue) => `${issue.line}:${issue.column} ${issue.keyPath}`)).toEqual([
      '5:12 model_list[0].litellm_params.rpm',
      '6:12 model_list[0].litellm_params.tpm',
      '7:20 model_list[0].litellm_params.concurrency',
      '9:41 model_list[1].litellm_params.weight',
      '11:37 rate_limit.default[0].rpm',
      '12:21 ledger.previews',
    ]);
    expect(error.message.split('\n')).toHaveLength(7);
    expect(error.message).not.toMatch(/more problem/);
  });
});

describe('model_list entries without model_name', () => {
  test('an entry without model_name is an error, not skipped', () => {
    const issues = issuesOf(
      'model_list:\n  - model_name: a\n    litellm_params: { model: m }\n  - litellm_params: { model: forgotten }\n',
    );
    expect(issues).toEqual([
      '4:5 model_list[1]: has no model_name (every entry needs one; an entry used only as a base for `<<: *name` needs an `&name` anchor)',
    ]);
  });

  test('an anchored entry without model_name is a merge base and is skipped', () => {
    const config = parse(
      'model_list:\n  - &base\n    litellm_params: { model: m }\n  - model_name: a\n    <<: *base\n',
    );
    expect(config.aliases()).toEqual(['a']);
  });
});

describe('a file without model_list uses (and names) the built-in default', () => {
  test('a typo such as modle_list is an unknown key of the file, with a suggestion', () => {
    const config = parse('modle_list:\n  - model_name: a\n    litellm_params: { model: m }\n');
    expect(config.warnings).toEqual([
      'cfg.yaml:1:1: unknown key modle_list ignored (did you mean model_list?)',
    ]);
  });

  test('errors of the built-in entry name the built-in default, not the user file', () => {
    const config = parse('modle_list: []\n');
    let error: unknown;
    try {
      config.resolveModel('gpt-4o-mini');
    } catch (caught) {
      error = caught;
    }
    expect(MissingEnvVarError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('in the built-in default config');
    expect((error as Error).message).not.toContain('cfg.yaml');
    expect((error as MissingEnvVarError).file).toBeUndefined();
  });
});

describe('Redis URL (issue 17 item 14)', () => {
  test.each([
    ['notaurl', 'is not a URL'],
    ['localhost:6379', 'must start with redis:// or rediss://'],
    ['http://127.0.0.1:6379', 'must start with redis:// or rediss://'],
    ['redis://', 'has no host'],
    ['redis://127.0.0.1:6379/cache', 'has a path that is not a database number'],
  ])('rate_limit.redis_url %j is a schema issue at its line:col', (url, problem) => {
    const issues = issuesOf(`rate_limit:\n  redis_url: "${url}"\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(
      new RegExp(`^2:14 rate_limit\\.redis_url: ${problem.replace(/[/*]/g, '\\$&')}`),
    );
  });

  test('a malformed MAXLLM_REDIS_URL is an InvalidRedisUrlError that never echoes the value', () => {
    let error: unknown;
    try {
      parse('model_list: []\n', { MAXLLM_REDIS_URL: 'user:hunter2hunter2@notaurl' });
    } catch (caught) {
      error = caught;
    }
    expect(InvalidRedisUrlError.isInstance(error)).toBe(true);
    expect((error as InvalidRedisUrlError).setting).toBe('MAXLLM_REDIS_URL');
    expect((error as Error).message).toMatch(/^MAXLLM_REDIS_URL must start with redis:\/\//);
    expect((error as Error).message).not.toContain('hunter2');
  });

  test('os.environ/ references are checked once resolved; valid URLs load', () => {
    expect(() => parse('rate_limit:\n  redis_url: os.environ/R\n', { R: 'notaurl' })).toThrow(
      /^rate_limit\.redis_url \(R\) is not a URL/,
    );
    expect(parse('rate_limit:\n  redis_url: os.environ/R\n', { R: 'redis://u:p@h:1/2' }).redisUrl).toBe(
      'redis://u:p@h:1/2',
    );
    expect(parse('model_list: []\n', { MAXLLM_REDIS_URL: 'rediss://cache.internal' }).redisUrl).toBe(
      'rediss://cache.internal',
    );
  });
});
