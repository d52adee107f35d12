import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cacache from 'cacache';
import { describe, expect, it } from 'vitest';
import { createCacacheWriter } from './cacache-writer';
import { createResponseCache } from './response-cache';
import { chatEntry, legacyCache, manualClock, recordingLogger, useTempDir } from './test-utils';

const tempDir = useTempDir();

function files(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((name) => join(root, name))
    .filter((path) => statSync(path).isFile())
    .sort();
}

describe('entries written in the cacache layout are cacache entries', () => {
  it('exportTo: cacache.get returns the same data and metadata, get.info and ls list the entry', async () => {
    const [packed, dir] = [tempDir(), tempDir()];
    const clock = manualClock();
    const cache = createResponseCache({ dir: packed, clock });
    await cache.set('openai/gpt-4o', 'k', chatEntry('direct'), { ttlMs: 5000 });
    await cache.set('openai/gpt-4o', 'gone', chatEntry('deleted'));
    await cache.delete('openai/gpt-4o', 'gone');
    expect(await cache.exportTo(dir)).toMatchObject({ entries: 1 });
    const stored = await cacache.get(dir, 'openai/gpt-4o\u0000k');
    expect(JSON.parse(stored.data.toString('utf8'))).toEqual(chatEntry('direct'));
    expect(stored.metadata).toEqual({ namespace: 'openai/gpt-4o', expiresAt: clock.now() + 5000 });
    const info = await cacache.get.info(dir, 'openai/gpt-4o\u0000k');
    expect(info).toMatchObject({ time: clock.now(), size: stored.data.length, integrity: stored.integrity });
    expect(stored.integrity).toMatch(/^sha512-[A-Za-z0-9+/]+={0,2}$/);
    expect(Object.keys(await cacache.ls(dir))).toEqual(['openai/gpt-4o\u0000k']);
  });

  it('writes byte for byte what cacache.put writes (index line and content file)', async () => {
    const [ours, theirs] = [tempDir(), tempDir()];
    const data = Buffer.from(JSON.stringify(chatEntry('same bytes')));
    const options = { time: 1_700_000_000_123, metadata: { namespace: 'm', expiresAt: 1_700_000_009_000 } };
    createCacacheWriter(ours).put('m\u0000k', data, options);
    await cacache.put(theirs, 'm\u0000k', data, options);
    const relative = (dir: string) => files(dir).map((path) => path.slice(dir.length));
    const written = relative(ours).filter((path) => !path.startsWith('/tmp/'));
    expect(written).toEqual(relative(theirs).filter((path) => !path.startsWith('/tmp/')));
    expect(written).toHaveLength(2);
    for (const path of written) expect(readFileSync(ours + path)).toEqual(readFileSync(theirs + path));
  });

  it('cacache.verify finds no bad or missing content after many writes, overwrites included', async () => {
    const dir = tempDir();
    const cache = legacyCache(dir);
    for (let round = 0; round < 3; round++) {
      for (let index = 0; index < 60; index++) {
        await cache.set(`ns${index % 3}`, `k${index}`, chatEntry(`answer ${index} round ${round}`));
      }
    }
    await cache.set('ns0', 'k0', chatEntry('answer 1 round 2')); // content shared with another key
    const report = (await cacache.verify(dir)) as Record<string, number>;
    expect(report).toMatchObject({ badContentCount: 0, missingContent: 0, totalEntries: 60 });
    // 180 content files; k0 now shares k1's: 59 are live, the 121 others are no longer referenced and reclaimed.
    expect(report).toMatchObject({ verifiedContent: 59, reclaimedCount: 121 });
    const reader = createResponseCache({ dir, memoryEntries: 0 });
    expect(await reader.get('ns1', 'k1')).toEqual(chatEntry('answer 1 round 2'));
    expect(await reader.get('ns0', 'k0')).toEqual(chatEntry('answer 1 round 2'));
  }, 30_000);

  it('an entry that cacache.put wrote is read', async () => {
    const dir = tempDir();
    await cacache.put(dir, 'm\u0000k', JSON.stringify(chatEntry('by cacache')), {
      metadata: { namespace: 'm' },
    });
    const logger = recordingLogger();
    const cache = createResponseCache({ dir, logger, memoryEntries: 0 });
    expect(await cache.get('m', 'k')).toEqual(chatEntry('by cacache'));
    expect(logger.warnings).toEqual([]);
  });

  it('writes a content file once: the same content again keeps the same file and leaves no temp file', async () => {
    const dir = tempDir();
    const cache = legacyCache(dir);
    await cache.set('m', 'a', chatEntry('twice'));
    const { path } = (await cacache.get.info(dir, 'm\u0000a'))!;
    const before = statSync(path);
    await cache.set('m', 'b', chatEntry('twice'));
    await cache.set('m', 'a', chatEntry('twice'));
    const after = statSync(path);
    expect(after.ino).toBe(before.ino); // a rename into place would have made a new inode
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(files(join(dir, 'content-v2'))).toEqual([path]);
    expect(files(join(dir, 'tmp'))).toEqual([]);
    expect((await cacache.get.info(dir, 'm\u0000b'))!.path).toBe(path);
  });

  it('rewrites a content file of the wrong size (a truncated file) instead of trusting it', async () => {
    const dir = tempDir();
    const writer = createCacacheWriter(dir);
    const data = Buffer.from(JSON.stringify(chatEntry('truncated')));
    writer.put('m\u0000k', data, { time: 1, metadata: { namespace: 'm' } });
    const { path } = (await cacache.get.info(dir, 'm\u0000k'))!;
    writeFileSync(path, data.subarray(0, 10));
    writer.put('m\u0000k', data, { time: 2, metadata: { namespace: 'm' } });
    expect(readFileSync(path)).toEqual(data);
    expect((await cacache.get(dir, 'm\u0000k')).data).toEqual(data);
  });

  it('keeps writing after its folders were removed behind its back (rm.all, verify cleaning tmp)', async () => {
    const dir = tempDir();
    const cache = legacyCache(dir);
    await cache.set('m', 'k', chatEntry('first'));
    await cacache.rm.all(dir); // as another process's `clear` would: removes content-v2 and index-v5
    rmSync(join(dir, 'tmp'), { recursive: true, force: true }); // as cacache.verify's clean-up does
    await cache.set('m', 'k', chatEntry('second'));
    expect(await createResponseCache({ dir }).get('m', 'k')).toEqual(chatEntry('second'));
    expect(JSON.parse((await cacache.get(dir, 'm\u0000k')).data.toString('utf8'))).toEqual(
      chatEntry('second'),
    );
  });
});
