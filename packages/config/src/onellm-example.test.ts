import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_TIMEOUT_MS, loadConfig } from './index';
import type { Logger } from './index';

const fixture = fileURLToPath(new URL('../test/fixtures/onellm.yaml.example', import.meta.url));
const env = {
  DEEPSEEK_API_KEY: 'sk-deepseek-0000000000000001',
  BIANXIE_API_KEY: 'sk-bianxie-0000000000000002',
  ONECHATS_DEEPSEEK_API_KEY: 'sk-onechats-0000000000000003',
  ONECHATS_SPECIAL_OFFER_API_KEY: 'sk-special-0000000000000004',
};
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function load() {
  const homeDir = mkdtempSync(join(tmpdir(), 'maxllm-config-'));
  return loadConfig({ path: fixture, env, homeDir, cwd: homeDir, dotenv: false, logger: silent });
}

describe('onellm.yaml.example (a real config of the original, anchors and merge keys)', () => {
  test('loads unchanged without warnings and lists its 16 aliases in file order', () => {
    const config = load();
    expect(config.warnings).toEqual([]);
    expect(config.aliases()).toEqual([
      'Qwen/Qwen3-Reranker-0.6B',
      'Qwen3-Reranker-0.6B',
      'Qwen3-Reranker-0.6B-seq-cls',
      'tomaarsen/Qwen3-Reranker-0.6B-seq-cls',
      'deepseek/deepseek-v3.2-exp',
      'openrouter/deepseek-v3.2-exp',
      'bianxie/deepseek-v3.2-exp',
      'deepseek-v3.2-exp',
      'onechats/deepseek-v3.2-exp',
      'deepseek-chat',
      'deepseek',
      'deepseek-v3.2-exp-thinking',
      'onechats/deepseek-v3.2-exp-thinking',
      'deepseek-reasoner',
      'glm-*',
      '*',
    ]);
  });

  // [alias, model, uniqueName, apiBase, apiKey, mode, local, rpm, tpm]
  const cases: [string, string, string, string, string, string, boolean, number, number][] = [
    ...[
      'Qwen/Qwen3-Reranker-0.6B',
      'Qwen3-Reranker-0.6B',
      'Qwen3-Reranker-0.6B-seq-cls',
      'tomaarsen/Qwen3-Reranker-0.6B-seq-cls',
    ].map((alias): [string, string, string, string, string, string, boolean, number, number] => [
      alias,
      'tomaarsen/Qwen3-Reranker-0.6B-seq-cls',
      'tomaarsen/Qwen3-Reranker-0.6B-seq-cls',
      'http://10.77.110.167:8003/v1',
      'null',
      'chat',
      true,
      1000,
      500_000,
    ]),
    // unique name deepseek-v3.2-exp hits custom_limits 'deepseek-v3.2-exp'
    [
      'deepseek/deepseek-v3.2-exp',
      'deepseek-chat',
      'deepseek-v3.2-exp',
      'https://api.deepseek.com',
      env.DEEPSEEK_API_KEY,
      'chat',
      false,
      1500,
      1_000_000,
    ],
    // litellm tpm 1000000 (under the 1e7 bound), rpm from the 'completion' default
    [
      'openrouter/deepseek-v3.2-exp',
      'deepseek-v3.2-exp',
      'openrouter/deepseek-v3.2-exp',
      'https://api.bianxie.ai/v1',
      env.BIANXIE_API_KEY,
      'chat',
      false,
      3000,
      1_000_000,
    ],
    [
      'bianxie/deepseek-v3.2-exp',
      'deepseek-v3.2-exp',
      'openrouter/deepseek-v3.2-exp',
      'https://api.bianxie.ai/v1',
      env.BIANXIE_API_KEY,
      'chat',
      false,
      3000,
      1_000_000,
    ],
    ...['deepseek-v3.2-exp', 'onechats/deepseek-v3.2-exp', 'deepseek-chat', 'deepseek'].map(
      (alias): [string, string, string, string, string, string, boolean, number, number] => [
        alias,
        'deepseek-ai/DeepSeek-V3.2-Exp',
        'onechats/deepseek-v3.2-exp',
        'https://chatapi.onechats.ai/v1',
        env.ONECHATS_DEEPSEEK_API_KEY,
        'chat',
        false,
        3000,
        2_000_000,
      ],
    ),
    ...['deepseek-v3.2-exp-thinking', 'onechats/deepseek-v3.2-exp-thinking', 'deepseek-reasoner'].map(
      (alias): [string, string, string, string, string, string, boolean, number, number] => [
        alias,
        'deepseek-ai/DeepSeek-V3.2-Exp-thinking',
        'onechats/deepseek-v3.2-exp-thinking',
        'https://chatapi.onechats.ai/v1',
        env.ONECHATS_DEEPSEEK_API_KEY,
        'chat',
        false,
        3000,
        2_000_000,
      ],
    ),
    // glm-* with model: ~ → the requested name
    [
      'glm-4.6',
      'glm-4.6',
      'glm-4.6',
      'https://chatapi.onechats.top/v1',
      env.ONECHATS_DEEPSEEK_API_KEY,
      'chat',
      false,
      3000,
      2_000_000,
    ],
    // "*" with model "*" and model_unique_name "*" → star substituted into both
    [
      'gpt-4o',
      'gpt-4o',
      'gpt-4o',
      'https://chatapi.onechats.top/v1',
      env.ONECHATS_SPECIAL_OFFER_API_KEY,
      'chat',
      false,
      3000,
      2_000_000,
    ],
    [
      'gpt-5-mini',
      'gpt-5-mini',
      'gpt-5-mini',
      'https://chatapi.onechats.top/v1',
      env.ONECHATS_SPECIAL_OFFER_API_KEY,
      'chat',
      false,
      5000,
      218_182,
    ],
    [
      'text-embedding-3-small',
      'text-embedding-3-small',
      'text-embedding-3-small',
      'https://chatapi.onechats.top/v1',
      env.ONECHATS_SPECIAL_OFFER_API_KEY,
      'embedding',
      false,
      6000,
      24_000_000,
    ],
  ];

  test.each(cases)(
    '%s resolves as SEMANTICS.md describes',
    (alias, model, uniqueName, apiBase, apiKey, mode, local, rpm, tpm) => {
      const resolved = load().resolveModel(alias);
      expect(resolved).toMatchObject({ alias, model, uniqueName, apiBase, apiKey, mode, local, rpm, tpm });
      expect(resolved.concurrency).toBe(mode === 'embedding' ? 1000 : 500);
      expect(resolved.weight).toBe(1);
      expect(resolved.maxRetries).toBe(5);
      // No timeout in the example: the documented default per attempt.
      expect(resolved.timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
      expect(Object.isFrozen(resolved)).toBe(true);
    },
  );

  test('every alias pattern resolves (wildcards with a sample name)', () => {
    const config = load();
    for (const alias of config.aliases()) {
      expect(config.resolveModel(alias.replace('*', 'sample')).alias).toBe(alias.replace('*', 'sample'));
    }
  });
});
