import { describe, expect, test } from 'vitest';
import {
  ConfigSchemaError,
  DEFAULT_TIMEOUT_MS,
  MissingEnvVarError,
  ModelNotFoundError,
  parseConfig,
} from './index';
import type { Logger } from './index';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const parse = (text: string, env: Record<string, string | undefined> = {}) =>
  parseConfig(text, 'maxllm.yaml', { env, homeDir: '/nonexistent-home', cwd: '/', logger: silent });

describe('wildcards and model names', () => {
  test('glm-* with model: ~ sends the requested name; unique name defaults to it', () => {
    const config = parse(
      `model_list:\n  - model_name: "glm-*"\n    litellm_params: { model: ~, api_key: k }\n`,
    );
    expect(config.resolveModel('glm-4.6')).toMatchObject({
      model: 'glm-4.6',
      uniqueName: 'glm-4.6',
      pattern: 'glm-*',
    });
  });

  test('model: null on a literal pattern sends the alias', () => {
    const config = parse(`model_list:\n  - model_name: my-model\n    litellm_params: { model: null }\n`);
    expect(config.resolveModel('my-model').model).toBe('my-model');
  });

  test('captured * groups go into model and model_unique_name, in order', () => {
    const config = parse(
      [
        'model_list:',
        '  - model_name: "openai/*"',
        '    litellm_params: { model: "*", model_unique_name: "oa/*" }',
        '  - model_name: "*@*"',
        '    litellm_params: { model: "*-on-*", model_unique_name: "*/*" }',
      ].join('\n'),
    );
    expect(config.resolveModel('openai/gpt-4o')).toMatchObject({ model: 'gpt-4o', uniqueName: 'oa/gpt-4o' });
    expect(config.resolveModel('llama@vllm')).toMatchObject({
      model: 'llama-on-vllm',
      uniqueName: 'llama/vllm',
    });
  });

  test('unique name defaults to the substituted model', () => {
    const config = parse(`model_list:\n  - model_name: "az-*"\n    litellm_params: { model: "azure/*" }\n`);
    expect(config.resolveModel('az-gpt-4o')).toMatchObject({
      model: 'azure/gpt-4o',
      uniqueName: 'azure/gpt-4o',
    });
  });

  test('stars in model_unique_name are substituted even when model is null (the original left them literal)', () => {
    const config = parse(
      `model_list:\n  - model_name: "glm-*"\n    litellm_params: { model: ~, model_unique_name: "onechats/glm-*" }\n`,
    );
    expect(config.resolveModel('glm-4.6')).toMatchObject({
      model: 'glm-4.6',
      uniqueName: 'onechats/glm-4.6',
    });
  });

  test('a star-count mismatch warns at load and fails with a ConfigSchemaError when that model is used', () => {
    const text = [
      'model_list:',
      '  - model_name: "a-*-*"',
      '    litellm_params:',
      '      model: "x/*"',
      '  - model_name: ok',
      '    litellm_params: { model: ok }',
    ].join('\n');
    const config = parse(text);
    expect(config.warnings).toEqual([
      "maxllm.yaml:4:14: model_list[0].litellm_params.model has 1 '*' but model_name 'a-*-*' has 2; resolving it will fail",
    ]);
    expect(config.resolveModel('ok').model).toBe('ok');
    const error = catchError(() => config.resolveModel('a-b-c'));
    expect(ConfigSchemaError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      "Invalid config maxllm.yaml:4:14 at model_list[0].litellm_params.model: has 1 '*' but model_name 'a-*-*' has 2; they must have the same number",
    );
  });

  test('no matching pattern → ModelNotFoundError listing the patterns', () => {
    const config = parse(`model_list:\n  - model_name: "gpt-*"\n    litellm_params: { model: "*" }\n`);
    const error = catchError(() => config.resolveModel('claude'));
    expect(ModelNotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `No model_list entry in maxllm.yaml matches 'claude' (patterns: gpt-*; add a "*" entry to catch every name)`,
    );
  });

  test('resolveModel is memoised per name and returns frozen objects', () => {
    const config = parse(`model_list:\n  - model_name: "*"\n    litellm_params: { model: "*" }\n`);
    const first = config.resolveModel('m');
    expect(config.resolveModel('m')).toBe(first);
    expect(config.resolveModel('n')).not.toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.prices)).toBe(true);
  });
});

describe('rate limits', () => {
  const limits = [
    'rate_limit:',
    '  default:',
    '    - { model_name: embedding, rpm: 6000, tpm: 24000000 }',
    '    - { model_name: completion, rpm: 3000, tpm: 2000000 }',
    '    - { model_name: local_embedding, rpm: 6001, tpm: 12000000 }',
    '    - { model_name: "*", rpm: 77, tpm: 7777 }',
    '  custom_limits:',
    '    - { model_name: "gpt-5*", rpm: 5000, tpm: 218182, tpm_upper_bound: 20000000, rpm_upper_bound: 9000 }',
  ].join('\n');
  const config = parse(
    [
      'model_list:',
      '  - model_name: local-emb',
      '    litellm_params: { model: bge-embedding, local: true }',
      '  - model_name: local-chat',
      '    litellm_params: { model: qwen, local: true }',
      '  - model_name: big',
      '    litellm_params: { model: gpt-5-big, rpm: 99999, tpm: 30000000 }',
      '  - model_name: alias-of-gpt5',
      '    litellm_params: { model: other, model_unique_name: gpt-5-u }',
      '  - model_name: huge',
      '    litellm_params: { model: huge, rpm: 20000000, tpm: 5 }',
      '  - model_name: "*"',
      '    litellm_params: { model: "*" }',
      limits,
    ].join('\n'),
  );

  test('category fallback: embedding, completion, local_embedding, then "*" for local_completion', () => {
    expect(config.resolveModel('text-embedding-3-small')).toMatchObject({ rpm: 6000, tpm: 24_000_000 });
    expect(config.resolveModel('gpt-4o')).toMatchObject({ rpm: 3000, tpm: 2_000_000 });
    expect(config.resolveModel('local-emb')).toMatchObject({ rpm: 6001, tpm: 12_000_000, local: true });
    expect(config.resolveModel('local-chat')).toMatchObject({ rpm: 77, tpm: 7777 });
  });

  test('custom_limits match the unique name, not the alias, and win over defaults', () => {
    expect(config.resolveModel('gpt-5-mini')).toMatchObject({ rpm: 5000, tpm: 218_182 });
    expect(config.resolveModel('alias-of-gpt5')).toMatchObject({ uniqueName: 'gpt-5-u', rpm: 5000 });
  });

  test('litellm_params rpm/tpm win but are capped by the upper bounds (1e7 when none)', () => {
    expect(config.resolveModel('big')).toMatchObject({ rpm: 9000, tpm: 20_000_000 });
    expect(config.resolveModel('huge')).toMatchObject({ rpm: 10_000_000, tpm: 5 });
  });

  test('no rate_limit section → 500 rpm / 200000 tpm; a section without a matching entry → 500 / 30000', () => {
    const none = parse(`model_list:\n  - model_name: "*"\n    litellm_params: { model: "*" }\n`);
    expect(none.resolveModel('x')).toMatchObject({ rpm: 500, tpm: 200_000 });
    const partial = parse(
      `model_list:\n  - model_name: "*"\n    litellm_params: { model: "*" }\nrate_limit:\n  default:\n    - { model_name: embedding, rpm: 1 }\n`,
    );
    expect(partial.resolveModel('chat-model')).toMatchObject({ rpm: 500, tpm: 30_000 });
    expect(partial.resolveModel('my-embedding')).toMatchObject({ rpm: 1, tpm: 30_000 });
  });
});

describe('other litellm_params', () => {
  const config = parse(
    [
      'model_list:',
      '  - model_name: unlimited',
      '    litellm_params: { model: u, concurrency: null }',
      '  - model_name: zero',
      '    litellm_params: { model: z, concurrency: 0 }',
      '  - model_name: tuned',
      '    litellm_params:',
      '      model: t',
      '      concurrency: 64',
      '      timeout: 1.5',
      '      burst: 0.25',
      '      max_retries: 0',
      '      weight: 3',
      '      input_cost_per_million: 0.15',
      '      output_cost_per_million: 0.6',
      '      cached_input_cost_per_million: 0.075',
      '  - model_name: litellm-prices',
      '    litellm_params: { model: p, input_cost_per_token: 0.00000015, output_cost_per_token: 6.0e-7 }',
      '  - model_name: bge',
      '    litellm_params: { model: bge-m3, mode: embedding }',
      '  - model_name: not-emb',
      '    litellm_params: { model: My-EMBEDDING-chat, mode: chat }',
      '  - model_name: "*"',
      '    litellm_params: { model: "*" }',
    ].join('\n'),
  );

  test('concurrency: absent or 0 → 500 (1000 for embeddings), null → Infinity, else the value', () => {
    expect(config.resolveModel('gpt-4o').concurrency).toBe(500);
    expect(config.resolveModel('zero').concurrency).toBe(500);
    expect(config.resolveModel('Text-Embedding-3').concurrency).toBe(1000);
    expect(config.resolveModel('unlimited').concurrency).toBe(Infinity);
    expect(config.resolveModel('tuned').concurrency).toBe(64);
  });

  test('embedding detection by resolved model id (any case), overridable with mode', () => {
    expect(config.resolveModel('Text-EMBEDDING-3').mode).toBe('embedding');
    expect(config.resolveModel('bge').mode).toBe('embedding');
    expect(config.resolveModel('not-emb').mode).toBe('chat');
    expect(config.resolveModel('gpt-4o').mode).toBe('chat');
  });

  test('timeout and burst (seconds) → timeoutMs and burstMs, max_retries, weight, prices', () => {
    expect(config.resolveModel('tuned')).toMatchObject({
      timeoutMs: 1500,
      burstMs: 250,
      maxRetries: 0,
      weight: 3,
      prices: { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075 },
    });
    expect(config.resolveModel('litellm-prices').prices).toEqual({
      inputPerMillion: 0.15,
      outputPerMillion: 0.6,
    });
    // No timeout: the documented default per attempt (10 min), not the SDK's own.
    expect(config.resolveModel('gpt-4o')).toMatchObject({
      timeoutMs: DEFAULT_TIMEOUT_MS,
      burstMs: undefined,
      maxRetries: 5,
      weight: 1,
      prices: {},
    });
  });

  test('provider: names the price data provider; absent, it is undefined', () => {
    const config = parse(
      'model_list:\n  - model_name: llama\n    litellm_params: { model: llama-3.3-70b-versatile, provider: groq }\n  - model_name: "*"\n    litellm_params: { model: ~ }\n',
    );
    expect(config.resolveModel('llama').provider).toBe('groq');
    expect(config.warnings).toEqual([]);
    expect(config.resolveModel('gpt-4o').provider).toBeUndefined();
  });
});

describe('keys, base URLs and os.environ/ references', () => {
  const text = [
    'model_list:',
    '  - model_name: from-env',
    '    litellm_params: { model: m, api_key: os.environ/MY_KEY, api_base: os.environ/MY_BASE }',
    '  - model_name: literal',
    '    litellm_params: { model: m, api_key: sk-literal-key-0001, api_base: "http://h/v1" }',
    '  - model_name: null-base',
    '    litellm_params: { model: m, api_base: null }',
    '  - model_name: "*"',
    '    litellm_params: { model: "*" }',
  ].join('\n');

  test('os.environ/VAR is read from the env; absent api_key/api_base fall back to OPENAI_API_KEY/OPENAI_API_BASE', () => {
    const config = parse(text, {
      MY_KEY: 'sk-from-env-0002',
      MY_BASE: 'http://env/v1',
      OPENAI_API_KEY: 'sk-openai-0003',
      OPENAI_API_BASE: 'http://openai/v1',
    });
    expect(config.resolveModel('from-env')).toMatchObject({
      apiKey: 'sk-from-env-0002',
      apiBase: 'http://env/v1',
    });
    expect(config.resolveModel('literal')).toMatchObject({
      apiKey: 'sk-literal-key-0001',
      apiBase: 'http://h/v1',
    });
    expect(config.resolveModel('other')).toMatchObject({
      apiKey: 'sk-openai-0003',
      apiBase: 'http://openai/v1',
    });
    expect(config.resolveModel('null-base').apiBase).toBeUndefined();
  });

  test('a missing variable fails only when that model is used, naming the variable and the entry', () => {
    const config = parse(text, { MY_BASE: 'http://env/v1' });
    expect(config.resolveModel('literal').apiKey).toBe('sk-literal-key-0001');
    const error = catchError(() => config.resolveModel('from-env'));
    expect(MissingEnvVarError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      variable: 'MY_KEY',
      model: 'from-env',
      keyPath: 'model_list[0].litellm_params.api_key',
    });
    expect((error as Error).message).toBe(
      "Environment variable MY_KEY is not set (needed by model 'from-env', model_list[0].litellm_params.api_key in maxllm.yaml)",
    );
    expect(parse(text, { MY_BASE: 'http://env/v1', MY_KEY: '' }).resolveModel.bind(null, 'from-env')).toThrow(
      MissingEnvVarError,
    );
  });

  test('describe() shows the key redacted', () => {
    const config = parse(text, {});
    const text1 = config.resolveModel('literal').describe();
    expect(text1).toContain('key sk-...0001');
    expect(text1).not.toContain('sk-literal-key-0001');
    expect(text1).toMatch(/^literal → m \(unique name m, pattern 'literal'\) at http:\/\/h\/v1/);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('api and service tier', () => {
  test('a model entry chooses its API (default chat) and a service tier; flex gets a long default timeout', () => {
    const config = parse(
      [
        'model_list:',
        '  - model_name: old',
        '    litellm_params: { model: gpt-4o-mini }',
        '  - model_name: new',
        '    litellm_params: { model: gpt-5-mini, api: responses, service_tier: flex }',
        '  - model_name: flex-timed',
        '    litellm_params: { model: gpt-5-mini, service_tier: flex, timeout: 30 }',
        '  - model_name: fast',
        '    litellm_params: { model: gpt-5, api: chat, service_tier: priority }',
      ].join('\n'),
    );
    expect(config.resolveModel('old')).toMatchObject({
      api: 'chat',
      serviceTier: undefined,
      timeoutMs: 600_000,
    });
    const flex = config.resolveModel('new');
    expect(flex).toMatchObject({ api: 'responses', serviceTier: 'flex', timeoutMs: 900_000 });
    expect(flex.describe()).toContain('via the Responses API, service tier flex');
    expect(config.resolveModel('flex-timed').timeoutMs).toBe(30_000);
    expect(config.resolveModel('fast')).toMatchObject({ api: 'chat', serviceTier: 'priority' });
    expect(config.warnings).toEqual([]);
  });

  test('an unknown api or tier, and api: responses on an embedding model, name the key', () => {
    expect(() =>
      parse('model_list:\n  - model_name: a\n    litellm_params: { model: m, api: soap }\n').resolveModel(
        'a',
      ),
    ).toThrow(/model_list\[0\]\.litellm_params\.api.*must be chat or responses/s);
    expect(() =>
      parse(
        'model_list:\n  - model_name: a\n    litellm_params: { model: m, service_tier: gold }\n',
      ).resolveModel('a'),
    ).toThrow(/service_tier.*must be one of auto, default, flex/s);
    const error = (() => {
      try {
        parse(
          'model_list:\n  - model_name: e\n    litellm_params: { model: text-embedding-3-small, api: responses }\n',
        ).resolveModel('e');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigSchemaError);
    expect((error as Error).message).toMatch(/litellm_params\.api.*only a chat model/s);
  });
});
