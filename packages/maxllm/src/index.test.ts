import * as batch from '@maxllm/batch';
import * as cache from '@maxllm/cache';
import * as config from '@maxllm/config';
import * as ledger from '@maxllm/ledger';
import * as client from '@maxllm/client';
import * as core from '@maxllm/core';
import * as mockServer from '@maxllm/mock-server';
import * as ratelimit from '@maxllm/ratelimit';
import * as request from '@maxllm/request';
import { describe, expect, it } from 'vitest';
import * as maxllm from './index';

/** Runtime names a package exports that the umbrella deliberately leaves out. */
const sharedNames = new Set<string>();

/** The same function re-exported by two packages (the client's `diffCallStatus` is the ledger's). */
const sameObject = new Set(['diffCallStatus']);

/** Names that two packages use for different things: the umbrella renames one of them. */
const renamed: Record<string, Record<string, string>> = {
  batch: { formatProgress: 'formatBatchProgress' },
};

const packages: Record<string, Record<string, unknown>> = {
  core,
  config,
  cache,
  ledger,
  request,
  batch,
  ratelimit,
  client,
  'mock-server': mockServer,
};

describe('maxllm umbrella', () => {
  it.each(Object.keys(packages))('re-exports every runtime export of @maxllm/%s, the same object', (name) => {
    const module = packages[name]!;
    const umbrellaName = (key: string): string => renamed[name]?.[key] ?? key;
    const keys = Object.keys(module).filter((key) => !sharedNames.has(key));
    expect(
      keys
        .filter((key) => sameObject.has(key))
        .every((key) => module[key] === ledger[key as keyof typeof ledger]),
    ).toBe(true);
    expect(keys.filter((key) => !(umbrellaName(key) in maxllm))).toEqual([]);
    for (const key of keys) {
      expect((maxllm as Record<string, unknown>)[umbrellaName(key)], key).toBe(module[key]);
    }
  });
});

it('re-exports the helpers every package shares from @maxllm/core', () => {
  expect(maxllm.systemClock.now()).toBeGreaterThan(0);
  expect(typeof maxllm.stderrLogger.warn).toBe('function');
});
