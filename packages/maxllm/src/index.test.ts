import * as batch from '@maxllm/batch';
import * as cache from '@maxllm/cache';
import * as config from '@maxllm/config';
import * as ledger from '@maxllm/ledger';
import * as request from '@maxllm/request';
import { describe, expect, it } from 'vitest';
import * as maxllm from './index.js';

/**
 * Runtime names a package exports that the umbrella deliberately leaves out or takes from another package
 * (the same helper exported by several packages: one copy is enough).
 */
const sharedNames = new Set(['systemClock', 'stderrLogger', 'packageName']);

const packages: Record<string, Record<string, unknown>> = { config, cache, ledger, request, batch };

describe('maxllm umbrella', () => {
  it.each(Object.keys(packages))('re-exports every runtime export of @maxllm/%s, the same object', (name) => {
    const module = packages[name]!;
    const missing = Object.keys(module).filter((key) => !sharedNames.has(key) && !(key in maxllm));
    expect(missing).toEqual([]);
    for (const key of Object.keys(module)) {
      if (!sharedNames.has(key)) expect((maxllm as Record<string, unknown>)[key], key).toBe(module[key]);
    }
  });
});
