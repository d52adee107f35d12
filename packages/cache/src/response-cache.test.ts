import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import cacache from 'cacache';
import { describe, expect, it } from 'vitest';
import { createResponseCache } from './response-cache';
import { describeCacheStoreContract } from './test-cache-store-contract';
import { chatEntry, manualClock, recordingLogger, useTempDir } from './test-utils';

const tempDir = useTempDir();

describeCacheStoreContract('pack files', ({ clock }) => createResponseCache({ dir: tempDir(), clock }));
describeCacheStoreContract('pack files without the memory layer', ({ clock }) =>
  createResponseCache({ dir: tempDir(), clock, memoryEntries: 0 }),
);

describe('createResponseCache get / set', () => {
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

  it('a new instance (a fresh process) sees the last write and the deletions', async () => {
    const dir = tempDir();
    const cache = createResponseCache({ dir });
    await cache.set('m', 'k', chatEntry('old'));
    await cache.set('m', 'k', chatEntry('new'));
    await cache.set('m', 'gone', chatEntry('x'));
    await cache.delete('m', 'gone');
    const fresh = createResponseCache({ dir });
    expect(await fresh.get('m', 'k')).toEqual(chatEntry('new'));
    expect(await fresh.get('m', 'gone')).toBeUndefined();
  });
});

describe('TTL', () => {
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
  it('serves recently read entries from memory and reads the disk (with its checks) for evicted ones', async () => {
    const dir = tempDir();
    const logger = recordingLogger();
    const cache = createResponseCache({ dir, memoryEntries: 1, logger });
    await cache.set('m', 'old', chatEntry('old'));
    await cache.set('m', 'recent', chatEntry('recent'));
    await cache.get('m', 'old');
    await cache.get('m', 'recent');
    const [file] = readdirSync(join(dir, 'pack-v1')).map((name) => join(dir, 'pack-v1', name));
    const bytes = readFileSync(file!);
    for (const text of ['"old"', '"recent"']) bytes.write('X', bytes.indexOf(text) + 1);
    writeFileSync(file!, bytes);
    expect(await cache.get('m', 'recent')).toEqual(chatEntry('recent'));
    expect(await cache.get('m', 'old')).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
  });

  it('by default remembers up to 100k entries: the first of 10,001 reads is still served from memory', async () => {
    const dir = tempDir();
    const cache = createResponseCache({ dir, logger: recordingLogger() });
    for (let i = 0; i <= 10_000; i++) await cache.set('m', `k${i}`, chatEntry(`answer ${i}`));
    for (let i = 0; i <= 10_000; i++) await cache.get('m', `k${i}`);
    const [file] = readdirSync(join(dir, 'pack-v1')).map((name) => join(dir, 'pack-v1', name));
    writeFileSync(file!, Buffer.alloc(readFileSync(file!).length)); // a read that reaches the disk now misses
    expect(await cache.get('m', 'k0')).toEqual(chatEntry('answer 0'));
  });

  it('does not remember a write: its first read comes from the pack, with its checks', async () => {
    const dir = tempDir();
    const logger = recordingLogger();
    const cache = createResponseCache({ dir, logger });
    await cache.set('m', 'k', chatEntry('written'));
    const [file] = readdirSync(join(dir, 'pack-v1')).map((name) => join(dir, 'pack-v1', name));
    const bytes = readFileSync(file!);
    bytes.write('X', bytes.indexOf('"written"') + 1);
    writeFileSync(file!, bytes);
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
  });

  it('an overwrite replaces what the memory layer remembered of the key', async () => {
    const cache = createResponseCache({ dir: tempDir() });
    await cache.set('m', 'k', chatEntry('first'));
    expect(await cache.get('m', 'k')).toEqual(chatEntry('first'));
    await cache.set('m', 'k', chatEntry('second'));
    expect(await cache.get('m', 'k')).toEqual(chatEntry('second'));
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
  it.each([
    ['memoryEntries', -1],
    ['memoryEntries', Number.NaN],
    ['memoryBytes', 1.5],
  ])('rejects %s: %s with a typed error naming the option', (name, value) => {
    expect(() => createResponseCache({ dir: tempDir(), [name]: value })).toThrow(
      expect.objectContaining({
        name: 'InvalidCacheOptionError',
        message: expect.stringContaining(`${name} must be a whole number >= 0`) as unknown,
      }),
    );
  });
});
