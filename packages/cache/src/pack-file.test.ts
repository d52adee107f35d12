import {
  appendFileSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import cacache from 'cacache';
import { describe, expect, it } from 'vitest';
import { KeyTable } from './key-table';
import { createResponseCache } from './response-cache';
import { chatEntry, recordingLogger, useTempDir } from './test-utils';

const tempDir = useTempDir();
const packFile = (dir: string) => join(dir, 'pack-v1', readdirSync(join(dir, 'pack-v1'))[0]!);

describe('pack file', () => {
  it('a torn last record (crash mid-write, full disk) is skipped; writes after it are found', async () => {
    const dir = tempDir();
    const writer = createResponseCache({ dir });
    await writer.set('m', 'kept', chatEntry('kept'));
    await writer.set('m', 'torn', chatEntry('torn'));
    const file = packFile(dir);
    truncateSync(file, statSync(file).size - 20);
    const logger = recordingLogger();
    const reader = createResponseCache({ dir, logger, memoryEntries: 0 });
    expect(await reader.get('m', 'kept')).toEqual(chatEntry('kept'));
    expect(await reader.get('m', 'torn')).toBeUndefined();
    // Another process appends after the torn bytes; both it and this reader find the new record.
    const other = createResponseCache({ dir, memoryEntries: 0 });
    await other.set('m', 'after', chatEntry('after'));
    expect(await other.get('m', 'after')).toEqual(chatEntry('after'));
    expect(await reader.get('m', 'after')).toEqual(chatEntry('after'));
    expect(await createResponseCache({ dir }).get('m', 'after')).toEqual(chatEntry('after'));
    expect(logger.warnings).toEqual([]);
    expect(await reader.verify()).toMatchObject({ badContentCount: 1, totalEntries: 2 });
    expect(await createResponseCache({ dir }).get('m', 'kept')).toEqual(chatEntry('kept'));
  });

  it('garbage between records (a torn record of a larger size) is skipped up to the next valid record', async () => {
    const dir = tempDir();
    await createResponseCache({ dir }).set('m', 'first', chatEntry('first'));
    const file = packFile(dir);
    const whole = readFileSync(file);
    appendFileSync(file, whole.subarray(0, 40)); // a header claiming more bytes than follow
    await createResponseCache({ dir }).set('m', 'second', chatEntry('second'));
    const reader = createResponseCache({ dir, memoryEntries: 0 });
    expect(await reader.get('m', 'first')).toEqual(chatEntry('first'));
    expect(await reader.get('m', 'second')).toEqual(chatEntry('second'));
  });

  it('a damaged record is never served: a miss, and it can be stored again', async () => {
    const dir = tempDir();
    await createResponseCache({ dir }).set('m', 'k', chatEntry('answer'));
    const file = packFile(dir);
    const bytes = readFileSync(file);
    bytes.write('X', bytes.indexOf('answer'));
    writeFileSync(file, bytes);
    const logger = recordingLogger();
    const cache = createResponseCache({ dir, logger, memoryEntries: 0 });
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(await cache.get('m', 'k')).toBeUndefined();
    expect(await createResponseCache({ dir, logger }).get('m', 'k')).toBeUndefined();
    expect(await cache.verify()).toMatchObject({ badContentCount: 1, totalEntries: 0 });
    await cache.set('m', 'k', chatEntry('again'));
    expect(await createResponseCache({ dir }).get('m', 'k')).toEqual(chatEntry('again'));
  });

  it('a deletion by another instance is seen by a fresh one; a re-set after a local deletion is found', async () => {
    const dir = tempDir();
    const a = createResponseCache({ dir, memoryEntries: 0 });
    const b = createResponseCache({ dir, memoryEntries: 0 });
    await a.set('m', 'k', chatEntry('one'));
    await b.delete('m', 'k');
    expect(await createResponseCache({ dir }).get('m', 'k')).toBeUndefined();
    await a.delete('m', 'k');
    await b.set('m', 'k', chatEntry('two'));
    expect(await a.get('m', 'k')).toEqual(chatEntry('two'));
  });

  it('keeps writes made after another process cleared, pruned or verified the cache', async () => {
    const dir = tempDir();
    const writer = createResponseCache({ dir, memoryEntries: 0 });
    await writer.set('m', 'before', chatEntry('before'));
    await createResponseCache({ dir }).clear();
    await writer.set('m', 'after-clear', chatEntry('after clear'));
    await createResponseCache({ dir }).prune({ olderThanMs: 60_000 });
    await writer.set('m', 'after-prune', chatEntry('after prune'));
    await createResponseCache({ dir }).verify();
    await writer.set('m', 'after-verify', chatEntry('after verify'));
    const reader = createResponseCache({ dir });
    expect(await reader.get('m', 'before')).toBeUndefined();
    expect(await reader.get('m', 'after-clear')).toEqual(chatEntry('after clear'));
    expect(await reader.get('m', 'after-prune')).toEqual(chatEntry('after prune'));
    expect(await reader.get('m', 'after-verify')).toEqual(chatEntry('after verify'));
  });

  it('clear() while the pack is open, then writes again', async () => {
    const dir = tempDir();
    const cache = createResponseCache({ dir });
    await cache.set('m', 'k', chatEntry('one'));
    await cache.clear();
    await cache.set('m', 'k2', chatEntry('two'));
    expect(await createResponseCache({ dir }).get('m', 'k2')).toEqual(chatEntry('two'));
    expect(await createResponseCache({ dir }).get('m', 'k')).toBeUndefined();
  });
});

describe('KeyTable', () => {
  it('holds many keys through its growth, and the newest place of each', () => {
    const table = new KeyTable(4);
    for (let index = 0; index < 20_000; index++) table.set(`v1-${index}`, index * 10, index + 1);
    table.set('v1-7', 999, 5);
    expect(table.size).toBe(20_000);
    expect(table.get('v1-7')).toEqual({ offset: 999, length: 5 });
    expect(table.get('v1-19999')).toEqual({ offset: 199_990, length: 20_000 });
    expect(table.get('v1-20000')).toBeUndefined();
  });
});

describe('migration and import / export (cacache format)', () => {
  it('entries an older version stored in cacache layout are served, then live on in the pack', async () => {
    const { legacyCache } = await import('./test-utils');
    const dir = tempDir();
    await legacyCache(dir).set('openai/gpt-4o', 'k', chatEntry('from 0.1'), { ttlMs: 60_000 });
    const cache = createResponseCache({ dir, memoryEntries: 0 });
    expect(await cache.get('openai/gpt-4o', 'k')).toEqual(chatEntry('from 0.1'));
    expect((await cache.stats()).entries).toBe(1);
    rmSync(join(dir, 'index-v5'), { recursive: true });
    rmSync(join(dir, 'content-v2'), { recursive: true });
    expect(await createResponseCache({ dir }).get('openai/gpt-4o', 'k')).toEqual(chatEntry('from 0.1'));
  });

  it('exportTo then importFrom round-trips entries, times and TTLs', async () => {
    const [first, exported, second] = [tempDir(), tempDir(), tempDir()];
    let now = 1_700_000_000_000;
    const clock = { now: () => now, setTimeout: () => undefined, clearTimeout: () => undefined };
    const cache = createResponseCache({ dir: first, clock });
    await cache.set('a', 'k1', chatEntry('one'));
    await cache.set('b/c', 'k2', chatEntry('two'), { ttlMs: 1000 });
    await cache.set('a', 'k3', chatEntry('gone'));
    await cache.delete('a', 'k3');
    expect(await cache.exportTo(exported)).toMatchObject({ entries: 2 });
    await cacache.put(exported, 'not-a-maxllm-key', JSON.stringify(chatEntry('foreign')));
    await cacache.put(exported, 'm\u0000not-an-entry', '{"x":1}');
    const copy = createResponseCache({ dir: second, clock });
    expect(await copy.importFrom(exported)).toMatchObject({ entries: 2 });
    expect(await copy.get('a', 'k1')).toEqual(chatEntry('one'));
    expect(await copy.get('b/c', 'k2')).toEqual(chatEntry('two'));
    expect(await copy.get('a', 'k3')).toBeUndefined();
    now += 1000;
    expect(await copy.get('b/c', 'k2')).toBeUndefined();
    expect(await copy.prune({ olderThanMs: 500 })).toBe(2);
  });
});
