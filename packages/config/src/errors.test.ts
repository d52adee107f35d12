import { inspect } from 'node:util';
import { MaxllmError } from '@maxllm/core';
import { afterEach, expect, test, vi } from 'vitest';
import {
  ConfigError,
  ConfigNotFoundError,
  ConfigSchemaError,
  MissingEnvVarError,
  ModelNotFoundError,
  parseConfig,
} from './index';

afterEach(() => {
  vi.restoreAllMocks();
});

test('isInstance: the base matches every subclass, a subclass only itself; name is the class name', () => {
  const missing = new MissingEnvVarError('X', { keyPath: 'a', file: 'f' });
  const notFound = new ModelNotFoundError('m', undefined, []);
  expect(missing.name).toBe('MissingEnvVarError');
  expect(ConfigError.isInstance(missing) && ConfigError.isInstance(notFound)).toBe(true);
  expect(MissingEnvVarError.isInstance(missing)).toBe(true);
  expect(MissingEnvVarError.isInstance(notFound)).toBe(false);
  expect(ConfigSchemaError.isInstance(new Error('x'))).toBe(false);
  expect(ConfigError.isInstance({ message: 'x' })).toBe(false);
  expect((missing as unknown as Record<symbol, unknown>)[Symbol.for('maxllm.error')]).toBe(true);
});

test('isInstance recognises an error from another copy of the package by its brand', () => {
  class ConfigNotFoundErrorCopy extends MaxllmError {
    static override readonly brand: string = 'maxllm.config.ConfigNotFoundError';
  }
  const foreign = new ConfigNotFoundErrorCopy('x');
  expect(foreign instanceof ConfigNotFoundError).toBe(false);
  expect(ConfigNotFoundError.isInstance(foreign)).toBe(true);
  expect(ModelNotFoundError.isInstance(foreign)).toBe(false);
});

test('isInstance is false for a sibling class and for an error of another package (each class has its own brand)', () => {
  const notFound = new ConfigNotFoundError('/x.yaml', 'MAXLLM_CONFIG_PATH');
  expect(ModelNotFoundError.isInstance(notFound)).toBe(false);
  expect(ConfigNotFoundError.isInstance(new ModelNotFoundError('m', undefined, []))).toBe(false);
  expect(ConfigError.isInstance(new MaxllmError('another package'))).toBe(false);
  expect(MaxllmError.isInstance(notFound)).toBe(true);
});

test('a resolved model shows its key redacted in JSON and console output, yet keeps it for callers', () => {
  const config = parseConfig(
    'model_list:\n  - model_name: "*"\n    litellm_params: { model: "*", api_key: sk-abcdefghijklmnop-9999 }\n',
    'c.yaml',
    {
      env: {},
      homeDir: '/nonexistent-home',
    },
  );
  const model = config.resolveModel('gpt-4o');
  expect(model.apiKey).toBe('sk-abcdefghijklmnop-9999');
  expect({ ...model }.apiKey).toBe('sk-abcdefghijklmnop-9999');
  expect(JSON.stringify(model)).toContain('"apiKey":"sk-...9999"');
  expect(JSON.stringify(model)).not.toContain('abcdefghijklmnop');
  expect(inspect(model)).not.toContain('abcdefghijklmnop');
  expect(JSON.parse(JSON.stringify(model))).toMatchObject({
    model: 'gpt-4o',
    uniqueName: 'gpt-4o',
    rpm: 500,
  });
});
