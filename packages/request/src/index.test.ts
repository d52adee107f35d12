import { expect, it } from 'vitest';
import { packageName } from '@maxllm/cache';
import { packageName as own } from './index';
it('resolves workspace packages from source', () => {
  expect(packageName).toBe('@maxllm/cache');
  expect(own).toBe('@maxllm/request');
});
