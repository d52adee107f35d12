import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import cacache from 'cacache';
import { describe, expect, it } from 'vitest';
import { cacheKey } from './cache-key';
import { InvalidCacheEntryError, InvalidNamespaceError } from './errors';
import { createResponseCache } from './response-cache';
import { chatEntry, manualClock, recordingLogger, useTempDir } from './test-utils';

const tempDir = useTempDir();

describe('createResponseCache get / set', () => {
  it('returns what was stored, as a fresh copy each time', async () => {
    const cache = createResponseCache({ dir: tempDir() });
    const key = cacheKey({ prompt: 'hi' });
    expect(await cache.get('gpt-4o-mini', key)).toBeUndefined();
    await cache.set('gpt-4o-mini', key, chatEntry('hello'));
    const first = await cache.get('gpt-4o-mini', key);
    expect(first).toEqual(chatEntry('hello'));
    (first!.meta as { model: string }).model = 'mutated';
    expect((await cache.get('gpt-4o-mini', key))!.meta.model).toBe('gpt-4o-mini');
  });

  it('finds an entry written by another instance (a fresh process) through the disk', async () => {
    const dir = tempDir();
    await createResponseCache({ dir }).set('m', 'k', chatEntry('disk'));
    const reader = createResponseCache({ dir, memoryEntries: 0 });
    expect(await reader.get('m', 'k')).toEqual(chatEntry('disk'));
  });

  it('sees a later write by another instance after a miss', async () => {
    const dir = tempDir();
    const reader = createResponseCache({ dir });
    expect(await reader.get('m', 'k')).toBeUndefined();
    await createResponseCache({ dir }).set('m', 'k', chatEntry('later'));
    expect(await reader.get('m', 'k')).toEqual(chatEntry('later'));
  });

  it('stores the entry as plain JSON that cacache itself reads back after exportTo', async () => {
    const [dir, packed] = [tempDir(), tempDir()];
    const cache = createResponseCache({ dir: packed });
    await cache.set('m', 'k', chatEntry('plain'));
    await cache.exportTo(dir);
    const stored = await cacache.get(dir, 'm\u0000k');
    expect(JSON.parse(stored.data.toString('utf8'))).toEqual(chatEntry('plain'));
    expect(stored.metadata).toEqual({ namespace: 'm' });
  });

  it('keeps namespaces apart, including names with / and *', async () => {
    const cache = createResponseCache({ dir: tempDir() });
    const namespaces = ['openai/gpt-4o', 'openai/*', 'gpt-4o', '../etc', 'a:b'];
    for (const namespace of namespaces) await cache.set(namespace, 'same-key', chatEntry(namespace));
    for (const namespace of namespaces) {
      expect(await cache.get(namespace, 'same-key')).toEqual(chatEntry(namespace));
    }
    expect(Object.keys((await cache.stats()).namespaces).sort()).toEqual([...namespaces].sort());
  });

  it('overwrites an entry (recache)', async () => {
    const dir = tempDir();
    const cache = createResponseCache({ dir });
    await cache.set('m', 'k', chatEntry('old'));
    await cache.set('m', 'k', chatEntry('new'));
    expect(await cache.get('m', 'k')).toEqual(chatEntry('new'));
    expect(await createResponseCache({ dir }).get('m', 'k')).toEqual(chatEntry('new'));
  });

  it('deletes one entry', async () => {
    const dir = tempDir();
    const cache = createResponseCache({ dir });
    await cache.set('m', 'k', chatEntry('x'));
    await cache.set('m', 'other', chatEntry('y'));
    await cache.delete('m', 'k');
    await cache.delete('m', 'never-written');
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(await createResponseCache({ dir }).get('m', 'k')).toBeUndefined();
    expect(await cache.get('m', 'other')).toEqual(chatEntry('y'));
  });

  it('refuses a bad namespace, key or entry with typed errors', async () => {
    const cache = createResponseCache({ dir: tempDir() });
    await expect(cache.get('', 'k')).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(cache.get('a\u0000b', 'k')).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(cache.set('m', '', chatEntry('x'))).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(cache.set('m', 'k', { response: 1 } as never)).rejects.toBeInstanceOf(
      InvalidCacheEntryError,
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(cache.set('m', 'k', { response: cyclic, meta: chatEntry('x').meta })).rejects.toBeInstanceOf(
      InvalidCacheEntryError,
    );
    await expect(cache.set('m', 'k', chatEntry('x'), { ttlMs: 0 })).rejects.toBeInstanceOf(
      InvalidCacheEntryError,
    );
  });
});

describe('TTL', () => {
  it('serves an entry until its TTL passes, then misses (memory and disk alike)', async () => {
    const dir = tempDir();
    const clock = manualClock();
    const cache = createResponseCache({ dir, clock });
    await cache.set('m', 'k', chatEntry('ttl'), { ttlMs: 1000 });
    await cache.set('m', 'forever', chatEntry('forever'));
    const diskOnly = createResponseCache({ dir, clock, memoryEntries: 0 });
    clock.advance(999);
    expect(await cache.get('m', 'k')).toBeDefined();
    expect(await diskOnly.get('m', 'k')).toBeDefined();
    clock.advance(1);
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(await diskOnly.get('m', 'k')).toBeUndefined();
    expect(await cache.get('m', 'forever')).toBeDefined();
  });

  it('after an expiry in memory, finds a fresh entry another process stored meanwhile', async () => {
    const dir = tempDir();
    const clock = manualClock();
    const cache = createResponseCache({ dir, clock });
    await cache.set('m', 'k', chatEntry('first'), { ttlMs: 100 });
    clock.advance(100);
    await createResponseCache({ dir, clock }).set('m', 'k', chatEntry('second'), { ttlMs: 100 });
    expect(await cache.get('m', 'k')).toEqual(chatEntry('second'));
  });

  it('applies the cache-wide default TTL, which set() can override', async () => {
    const clock = manualClock();
    const cache = createResponseCache({ dir: tempDir(), clock, ttlMs: 100 });
    await cache.set('m', 'default', chatEntry('a'));
    await cache.set('m', 'longer', chatEntry('b'), { ttlMs: 1000 });
    clock.advance(500);
    expect(await cache.get('m', 'default')).toBeUndefined();
    expect(await cache.get('m', 'longer')).toBeDefined();
  });
});

describe('logger', () => {
  it('is silent on ordinary hits and misses', async () => {
    const logger = recordingLogger();
    const cache = createResponseCache({ dir: tempDir(), logger });
    await cache.set('m', 'k', chatEntry('x'));
    await cache.get('m', 'k');
    await cache.get('m', 'missing');
    expect(logger.warnings).toEqual([]);
  });
});

describe('memory layer', () => {
  it('serves recent entries from memory and reads the disk (with its checks) for evicted ones', async () => {
    const dir = tempDir();
    const logger = recordingLogger();
    const cache = createResponseCache({ dir, memoryEntries: 1, logger });
    await cache.set('m', 'old', chatEntry('old'));
    await cache.set('m', 'recent', chatEntry('recent'));
    const [file] = readdirSync(join(dir, 'pack-v1')).map((name) => join(dir, 'pack-v1', name));
    const bytes = readFileSync(file!);
    for (const text of ['"old"', '"recent"']) bytes.write('X', bytes.indexOf(text) + 1);
    writeFileSync(file!, bytes);
    expect(await cache.get('m', 'recent')).toEqual(chatEntry('recent'));
    expect(await cache.get('m', 'old')).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
  });

  it('close() drops the memory layer; the cache keeps working from disk', async () => {
    const dir = tempDir();
    const cache = createResponseCache({ dir });
    await cache.set('m', 'k', chatEntry('x'));
    await cache.close();
    expect(await cache.get('m', 'k')).toEqual(chatEntry('x'));
    await rm(join(dir, 'pack-v1'), { recursive: true });
    await cache.close();
    expect(await cache.get('m', 'k')).toBeUndefined();
  });
});
