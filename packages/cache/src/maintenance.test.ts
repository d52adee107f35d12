import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cacache from 'cacache';
import { describe, expect, it } from 'vitest';
import { InvalidCacheOptionError } from './errors';
import { createResponseCache } from './response-cache';
import { chatEntry, legacyCache, manualClock, useTempDir } from './test-utils';

const tempDir = useTempDir();

function contentFiles(dir: string): string[] {
  const root = join(dir, 'content-v2');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((name) =>
    statSync(join(root, name)).isFile(),
  );
}

function packFiles(dir: string): string[] {
  const root = join(dir, 'pack-v1');
  if (!existsSync(root)) return [];
  return readdirSync(root).map((name) => join(root, name));
}

const packBytes = (dir: string) => packFiles(dir).reduce((sum, file) => sum + statSync(file).size, 0);

const size = (text: string) => Buffer.byteLength(JSON.stringify(chatEntry(text)));

describe('maintenance', () => {
  it('stats counts entries, bytes and expired entries, in total and per namespace', async () => {
    const clock = manualClock();
    const cache = createResponseCache({ dir: tempDir(), clock });
    expect(await cache.stats()).toEqual({ entries: 0, bytes: 0, expired: 0, namespaces: {} });
    await cache.set('openai/gpt-4o', 'a', chatEntry('one'));
    await cache.set('openai/gpt-4o', 'b', chatEntry('two'), { ttlMs: 10 });
    await cache.set('local/*', 'a', chatEntry('three'));
    await cache.set('local/*', 'a', chatEntry('three!'));
    clock.advance(10);
    expect(await cache.stats()).toEqual({
      entries: 3,
      bytes: size('one') + size('two') + size('three!'),
      expired: 1,
      namespaces: {
        'openai/gpt-4o': { entries: 2, bytes: size('one') + size('two'), expired: 1 },
        'local/*': { entries: 1, bytes: size('three!'), expired: 0 },
      },
    });
  });

  it('clear(namespace) removes that namespace only, index and content', async () => {
    const dir = tempDir();
    const cache = createResponseCache({ dir });
    await cache.set('a', 'k1', chatEntry('a1'));
    await cache.set('a', 'k2', chatEntry('a2'));
    await cache.set('a/b', 'k1', chatEntry('ab1'));
    expect(packFiles(dir)).toHaveLength(2);
    await cache.clear('a');
    expect(await cache.get('a', 'k1')).toBeUndefined();
    expect(await createResponseCache({ dir }).get('a', 'k2')).toBeUndefined();
    expect(await cache.get('a/b', 'k1')).toEqual(chatEntry('ab1'));
    expect(packFiles(dir)).toHaveLength(1);
    expect(Object.keys((await cache.stats()).namespaces)).toEqual(['a/b']);
  });

  it('clear(namespace) keeps content another namespace still uses', async () => {
    const dir = tempDir();
    const cache = createResponseCache({ dir });
    await cache.set('a', 'k', chatEntry('same'));
    await cache.set('b', 'k', chatEntry('same'));
    await legacyCache(dir).set('a', 'old', chatEntry('same'));
    await legacyCache(dir).set('b', 'old', chatEntry('same'));
    expect(contentFiles(dir)).toHaveLength(1);
    await cache.clear('a');
    expect(contentFiles(dir)).toHaveLength(1);
    expect(await createResponseCache({ dir }).get('a', 'old')).toBeUndefined();
    expect(await createResponseCache({ dir }).get('b', 'old')).toEqual(chatEntry('same'));
    expect(await createResponseCache({ dir }).get('b', 'k')).toEqual(chatEntry('same'));
  });

  it('clear() removes everything', async () => {
    const dir = tempDir();
    const cache = createResponseCache({ dir });
    await cache.set('a', 'k', chatEntry('a'));
    await cache.set('b', 'k', chatEntry('b'));
    await cache.clear();
    expect(await cache.get('a', 'k')).toBeUndefined();
    expect(await createResponseCache({ dir }).get('b', 'k')).toBeUndefined();
    expect((await cache.stats()).entries).toBe(0);
    expect(contentFiles(dir)).toHaveLength(0);
    expect(packFiles(dir)).toHaveLength(0);
  });

  it('prune removes entries older than olderThanMs and expired ones, and returns the count', async () => {
    const dir = tempDir();
    const clock = manualClock();
    const cache = createResponseCache({ dir, clock });
    await cache.set('m', 'old', chatEntry('old'));
    await cache.set('m', 'expiring', chatEntry('expiring'), { ttlMs: 1500 });
    clock.advance(1000);
    await cache.set('m', 'new', chatEntry('new'));
    expect(await cache.prune({ olderThanMs: 5000 })).toBe(0);
    const before = packBytes(dir);
    expect(await cache.prune({ olderThanMs: 500 })).toBe(2);
    expect(packBytes(dir)).toBeLessThan(before / 2);
    expect(await cache.get('m', 'old')).toBeUndefined();
    expect(await cache.get('m', 'expiring')).toBeUndefined();
    expect(await createResponseCache({ dir, clock }).get('m', 'new')).toEqual(chatEntry('new'));
    expect((await cache.stats()).entries).toBe(1);
  });

  it('prune() refuses the old name olderThan (no unit), naming olderThanMs, and removes nothing', async () => {
    const clock = manualClock();
    const cache = createResponseCache({ dir: tempDir(), clock });
    await cache.set('m', 'old', chatEntry('old'));
    clock.advance(1000);
    // @ts-expect-error the old name is not in PruneOptions any more
    const pruning = cache.prune({ olderThan: 500 });
    await expect(pruning).rejects.toThrow(InvalidCacheOptionError);
    await expect(pruning).rejects.toThrow(/'olderThanMs'/);
    expect((await cache.stats()).entries).toBe(1);
  });

  it('prune() without olderThanMs removes only expired entries', async () => {
    const clock = manualClock();
    const cache = createResponseCache({ dir: tempDir(), clock });
    await cache.set('m', 'keep', chatEntry('keep'));
    await cache.set('m', 'ttl', chatEntry('ttl'), { ttlMs: 10 });
    expect(await cache.prune()).toBe(0);
    clock.advance(10_000);
    expect(await cache.prune()).toBe(1);
    expect((await cache.stats()).entries).toBe(1);
  });

  it('verify drops damaged pack records and superseded ones; the entry then misses', async () => {
    const dir = tempDir();
    const cache = createResponseCache({ dir });
    await cache.set('m', 'good', chatEntry('good'));
    await cache.set('m', 'bad', chatEntry('bad'));
    await cache.set('m', 'good', chatEntry('good'));
    const [file] = packFiles(dir);
    const bytes = readFileSync(file!);
    bytes.write('BAD', bytes.indexOf('"bad"') + 1);
    writeFileSync(file!, bytes);
    const report = await cache.verify();
    expect(report).toMatchObject({
      verifiedContent: 1,
      badContentCount: 1,
      totalEntries: 1,
      reclaimedCount: 2,
    });
    expect(await cache.get('m', 'bad')).toBeUndefined();
    expect(await cache.get('m', 'good')).toEqual(chatEntry('good'));
    expect((await cache.stats()).entries).toBe(1);
    expect(packBytes(dir)).toBeLessThan(bytes.length / 2);
  });

  it('verify reports and drops corrupt content in the cacache layout; the entry then misses', async () => {
    const dir = tempDir();
    const cache = legacyCache(dir);
    await cache.set('m', 'good', chatEntry('good'));
    await cache.set('m', 'bad', chatEntry('bad'));
    const { path } = (await cacache.get.info(dir, 'm\u0000bad'))!;
    writeFileSync(path, readFileSync(path, 'utf8').replace('bad', 'BAD'));
    const report = await createResponseCache({ dir }).verify();
    expect(report).toMatchObject({
      verifiedContent: 1,
      badContentCount: 1,
      totalEntries: 1,
      missingContent: 1,
    });
    const reader = createResponseCache({ dir });
    expect(await reader.get('m', 'bad')).toBeUndefined();
    expect(await reader.get('m', 'good')).toEqual(chatEntry('good'));
    expect((await reader.stats()).entries).toBe(1);
  });

  it('prune keeps entry times through verify (cacache rebuilds the index with them)', async () => {
    const clock = manualClock();
    const cache = createResponseCache({ dir: tempDir(), clock });
    await cache.set('m', 'k', chatEntry('k'));
    clock.advance(1000);
    await cache.verify();
    expect(await cache.prune({ olderThanMs: 500 })).toBe(1);
  });
});
