import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cacache from 'cacache';
import { describe, expect, it } from 'vitest';
import type { ResponseCache } from './types';
import { createResponseCache } from './response-cache';
import { chatEntry, legacyCache, recordingLogger, useTempDir } from './test-utils';

const tempDir = useTempDir();

function files(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((name) => join(root, name))
    .filter((path) => statSync(path).isFile());
}

async function stored(dir: string, entry = chatEntry('answer')) {
  await legacyCache(dir).set('m', 'k', entry);
  const info = (await cacache.get.info(dir, 'm\u0000k'))!;
  const [bucket] = files(join(dir, 'index-v5'));
  return { contentFile: info.path, bucket: bucket! };
}

/** A reader with no memory layer, as a fresh process would be. */
function reader(dir: string) {
  const logger = recordingLogger();
  const cache: ResponseCache = createResponseCache({ dir, logger, memoryEntries: 0 });
  return { cache, logger };
}

describe('corrupt entries in the cacache layout (0.1 caches, read for the migration) are removed and miss', () => {
  it('content with flipped bytes (same length)', async () => {
    const dir = tempDir();
    const { contentFile } = await stored(dir);
    const bytes = readFileSync(contentFile);
    bytes.write('X', bytes.indexOf('answer'));
    writeFileSync(contentFile, bytes);
    const { cache, logger } = reader(dir);
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/namespace m .*integrity/);
    expect(existsSync(contentFile)).toBe(false);
    expect(await cacache.get.info(dir, 'm\u0000k')).toBeNull();
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
  });

  it('truncated content', async () => {
    const dir = tempDir();
    const { contentFile } = await stored(dir);
    writeFileSync(contentFile, readFileSync(contentFile).subarray(0, 10));
    const { cache, logger } = reader(dir);
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
    expect(await cacache.get.info(dir, 'm\u0000k')).toBeNull();
  });

  it('a missing content file', async () => {
    const dir = tempDir();
    const { contentFile } = await stored(dir);
    await cacache.rm.content(dir, (await cacache.get.info(dir, 'm\u0000k'))!.integrity);
    expect(existsSync(contentFile)).toBe(false);
    const { cache, logger } = reader(dir);
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(logger.warnings[0]).toMatch(/missing/);
    expect(await cacache.get.info(dir, 'm\u0000k')).toBeNull();
  });

  it('valid content that is not a cache entry', async () => {
    const dir = tempDir();
    await cacache.put(dir, 'm\u0000k', '{"not":"an entry"}');
    const { cache, logger } = reader(dir);
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(logger.warnings[0]).toMatch(/not a cache entry/);
    expect(await cacache.get.info(dir, 'm\u0000k')).toBeNull();
  });

  it('a damaged index line: miss, and the bucket is rewritten without it', async () => {
    const dir = tempDir();
    const { bucket } = await stored(dir);
    writeFileSync(bucket, readFileSync(bucket, 'utf8').replace('"time":', '"tIme":'));
    const { cache, logger } = reader(dir);
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(logger.warnings[0]).toMatch(/damaged index line/);
    expect(readFileSync(bucket, 'utf8')).not.toContain('tIme');
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
  });

  it('a half-written line after a good one: miss now, the good entry is kept for later', async () => {
    const dir = tempDir();
    const { bucket } = await stored(dir);
    appendFileSync(bucket, '\n0123456789abcdef\t{"key":"m\\u0000k","integ');
    const { cache, logger } = reader(dir);
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
    expect(await cache.get('m', 'k')).toEqual(chatEntry('answer'));
  });

  it('large content read through cacache (over 1 MiB) is integrity-checked too', async () => {
    const dir = tempDir();
    const big = chatEntry('b'.repeat(1_100_000));
    const { contentFile } = await stored(dir, big);
    expect(await reader(tempDir()).cache.get('m', 'k')).toBeUndefined();
    const bytes = readFileSync(contentFile);
    bytes.write('X', bytes.indexOf('bbb'));
    writeFileSync(contentFile, bytes);
    const { cache, logger } = reader(dir);
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
    expect(await cacache.get.info(dir, 'm\u0000k')).toBeNull();
  });
});
