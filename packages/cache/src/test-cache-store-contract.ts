import { createManualClock, type Clock, type ManualClock } from '@maxllm/core';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidCacheEntryError, InvalidNamespaceError } from './errors';
import { chatEntry } from './test-utils';
import type { CacheStore } from './types';

/** Builds an empty store of one implementation; `options.clock` is the time its TTLs run on. */
export type MakeCacheStore = (options: { clock: Clock }) => CacheStore;

/**
 * The behaviour every cache store promises, run once per implementation (the unstorage `testDriver` pattern):
 * hits return fresh copies, namespaces stay apart, set overwrites, delete and clear remove, TTLs expire, bad input is a
 * typed error, and close leaves the store usable.
 */
export function describeCacheStoreContract(name: string, makeStore: MakeCacheStore): void {
  describe(`cache store contract: ${name}`, () => {
    const open: CacheStore[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((store) => store.close()));
    });

    const setup = (): { store: CacheStore; clock: ManualClock } => {
      const clock = createManualClock(1_700_000_000_000);
      const store = makeStore({ clock });
      open.push(store);
      return { store, clock };
    };

    it('misses an unknown key, then returns what was stored, as a fresh copy each time', async () => {
      const { store } = setup();
      expect(await store.get('gpt-4o-mini', 'k')).toBeUndefined();
      await store.set('gpt-4o-mini', 'k', chatEntry('hello'));
      const first = await store.get('gpt-4o-mini', 'k');
      expect(first).toEqual(chatEntry('hello'));
      (first!.meta as { model: string }).model = 'mutated';
      expect((await store.get('gpt-4o-mini', 'k'))!.meta.model).toBe('gpt-4o-mini');
    });

    it('keeps namespaces apart, including names with / and * and ..', async () => {
      const { store } = setup();
      const namespaces = ['openai/gpt-4o', 'openai/*', 'gpt-4o', '../etc', 'a:b'];
      for (const namespace of namespaces) await store.set(namespace, 'same-key', chatEntry(namespace));
      for (const namespace of namespaces) {
        expect(await store.get(namespace, 'same-key')).toEqual(chatEntry(namespace));
      }
    });

    it('overwrites an entry (recache)', async () => {
      const { store } = setup();
      await store.set('m', 'k', chatEntry('old'));
      expect(await store.get('m', 'k')).toEqual(chatEntry('old'));
      await store.set('m', 'k', chatEntry('new'));
      expect(await store.get('m', 'k')).toEqual(chatEntry('new'));
    });

    it('deletes one entry, and deleting an absent one is no error', async () => {
      const { store } = setup();
      await store.set('m', 'k', chatEntry('x'));
      await store.set('m', 'other', chatEntry('y'));
      await store.delete('m', 'k');
      await store.delete('m', 'never-written');
      expect(await store.get('m', 'k')).toBeUndefined();
      expect(await store.get('m', 'other')).toEqual(chatEntry('y'));
      await store.set('m', 'k', chatEntry('again'));
      expect(await store.get('m', 'k')).toEqual(chatEntry('again'));
    });

    it('clears one namespace, or everything', async () => {
      const { store } = setup();
      for (const namespace of ['a', 'b', 'c']) await store.set(namespace, 'k', chatEntry(namespace));
      await store.clear('a');
      expect(await store.get('a', 'k')).toBeUndefined();
      expect(await store.get('b', 'k')).toEqual(chatEntry('b'));
      await store.clear();
      expect(await store.get('b', 'k')).toBeUndefined();
      expect(await store.get('c', 'k')).toBeUndefined();
      await store.set('a', 'k', chatEntry('after'));
      expect(await store.get('a', 'k')).toEqual(chatEntry('after'));
    });

    it('serves an entry until its TTL passes, then misses; an entry without one stays', async () => {
      const { store, clock } = setup();
      await store.set('m', 'k', chatEntry('ttl'), { ttlMs: 1000 });
      await store.set('m', 'forever', chatEntry('forever'));
      clock.advance(999);
      expect(await store.get('m', 'k')).toEqual(chatEntry('ttl'));
      clock.advance(1);
      expect(await store.get('m', 'k')).toBeUndefined();
      expect(await store.get('m', 'forever')).toEqual(chatEntry('forever'));
      await store.set('m', 'k', chatEntry('fresh'), { ttlMs: 1000 });
      expect(await store.get('m', 'k')).toEqual(chatEntry('fresh'));
    });

    it('refuses a bad namespace, key, entry or TTL with typed errors', async () => {
      const { store } = setup();
      await expect(store.get('', 'k')).rejects.toBeInstanceOf(InvalidNamespaceError);
      await expect(store.get('a\u0000b', 'k')).rejects.toBeInstanceOf(InvalidNamespaceError);
      await expect(store.set('m', '', chatEntry('x'))).rejects.toBeInstanceOf(InvalidNamespaceError);
      await expect(store.delete('', 'k')).rejects.toBeInstanceOf(InvalidNamespaceError);
      await expect(store.set('m', 'k', { response: 1 } as never)).rejects.toBeInstanceOf(
        InvalidCacheEntryError,
      );
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await expect(
        store.set('m', 'k', { response: cyclic, meta: chatEntry('x').meta }),
      ).rejects.toBeInstanceOf(InvalidCacheEntryError);
      for (const ttlMs of [0, -1, Number.NaN]) {
        await expect(store.set('m', 'k', chatEntry('x'), { ttlMs })).rejects.toBeInstanceOf(
          InvalidCacheEntryError,
        );
      }
      expect(await store.get('m', 'k')).toBeUndefined();
    });

    it('stays usable after close()', async () => {
      const { store } = setup();
      await store.set('m', 'k', chatEntry('x'));
      await store.close();
      await store.close();
      expect(await store.get('m', 'k')).toEqual(chatEntry('x'));
      await store.set('m', 'k2', chatEntry('y'));
      expect(await store.get('m', 'k2')).toEqual(chatEntry('y'));
    });
  });
}
