import { DEFAULT_TIMEOUT_MS, FLEX_TIMEOUT_MS, parseConfig } from '@maxllm/config';
import { prepareRequest } from '@maxllm/request';
import { describe, expect, it } from 'vitest';
import { targetOf } from './target';
import { timeoutOf } from './timeout';

const config = parseConfig(
  [
    'model_list:',
    '  - model_name: plain',
    '    litellm_params: { model: gpt-5-mini, api: responses }',
    '  - model_name: timed',
    '    litellm_params: { model: gpt-5-mini, timeout: 20 }',
    '  - model_name: flex',
    '    litellm_params: { model: gpt-5-mini, service_tier: flex }',
  ].join('\n'),
  'maxllm.yaml',
  { env: {}, homeDir: '/nonexistent-home', cwd: '/' },
);

function timeout(alias: string, request: Record<string, unknown> = {}): number | undefined {
  const resolved = config.resolveModel(alias);
  return timeoutOf(prepareRequest({ prompt: 'x', ...request }, targetOf(resolved)), resolved);
}

describe('timeoutOf', () => {
  it('gives a flex request the long flex default, unless the call or the model set a timeout', () => {
    expect(timeout('plain')).toBe(DEFAULT_TIMEOUT_MS);
    expect(timeout('plain', { serviceTier: 'flex' })).toBe(FLEX_TIMEOUT_MS);
    expect(timeout('flex')).toBe(FLEX_TIMEOUT_MS);
    expect(timeout('flex', { timeoutMs: 1_000 })).toBe(1_000);
    expect(timeout('timed', { serviceTier: 'flex' })).toBe(20_000);
    expect(timeout('plain', { serviceTier: 'priority' })).toBe(DEFAULT_TIMEOUT_MS);
  });
});
