import type { Clock, Logger } from '@maxllm/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createCacacheWriter } from './cacache-writer';
import type { CacheEntry } from './types';

/** A fresh temporary directory per test, removed afterwards. */
export function useTempDir(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'maxllm-cache-'));
    made.push(dir);
    return dir;
  };
}

/** A clock that only moves when told to. */
export function manualClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    setTimeout: () => undefined,
    clearTimeout: () => undefined,
    advance(ms) {
      now += ms;
    },
  };
}

/** A logger that keeps the warnings. */
export function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug() {},
    info() {},
    warn: (message) => warnings.push(message),
    error: (message) => warnings.push(message),
  };
}

/** A chat completion entry as `@maxllm/client` would store it. */
export function chatEntry(text: string, createdAt = 0): CacheEntry {
  return {
    response: {
      id: `chatcmpl-${text}`,
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    },
    meta: { createdAt, model: 'gpt-4o-mini', usage: { prompt_tokens: 3 }, keyVersion: 1 },
  };
}

/**
 * Stores an entry the way `@maxllm/cache` 0.1 did (cacache's layout, through the same writer `exportTo` uses), to
 * test the migration and the import / export paths.
 */
export function legacyCache(dir: string, clock: Clock = { now: () => Date.now() } as Clock) {
  const writer = createCacacheWriter(dir);
  return {
    set(namespace: string, key: string, entry: CacheEntry, options: { ttlMs?: number } = {}): Promise<void> {
      const time = clock.now();
      const expiresAt = options.ttlMs === undefined ? undefined : time + options.ttlMs;
      writer.put(`${namespace}\u0000${key}`, Buffer.from(JSON.stringify(entry)), {
        time,
        metadata: { namespace, expiresAt },
      });
      return Promise.resolve();
    },
  };
}
