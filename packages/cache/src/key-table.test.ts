import { describe, expect, it } from 'vitest';
import { KeyTable } from './key-table';

const key = (index: number) => `v1-${index.toString(16).padStart(64, '0')}`;
const TiB = 2 ** 40;
const MiB = 2 ** 20;

describe('KeyTable', () => {
  it('finds every key after each growth, from 2 slots to 100k keys', () => {
    const table = new KeyTable(2);
    let bytes = table.byteLength;
    let growths = 0;
    const lost: number[] = [];
    for (let index = 0; index < 100_000; index++) {
      table.set(key(index), index * 700, 1 + (index % 5000));
      if (table.byteLength === bytes) continue;
      growths++;
      bytes = table.byteLength;
      for (let earlier = 0; earlier <= index; earlier++) {
        const place = table.get(key(earlier));
        if (place?.offset !== earlier * 700 || place.length !== 1 + (earlier % 5000)) lost.push(earlier);
      }
    }
    expect(lost).toEqual([]);
    expect(growths).toBeGreaterThan(20);
    expect(table.size).toBe(100_000);
    expect(table.get(key(100_000))).toBeUndefined();
  });

  it('holds at most ~30 bytes per entry at every size past its first 1024 slots (issue 21: memory at scale)', () => {
    const table = new KeyTable();
    let worst = 0;
    for (let index = 0; index < 400_000; index++) {
      table.set(key(index), index, 1);
      if (table.size > 1024) worst = Math.max(worst, table.byteLength / table.size);
    }
    expect(worst).toBeLessThan(30.1);
  });

  it('agrees with a Map over overwrites, clustered keys and a small table', () => {
    const table = new KeyTable(8);
    const model = new Map<string, { offset: number; length: number }>();
    let seed = 7;
    const random = (below: number) => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed % below;
    };
    for (let step = 0; step < 50_000; step++) {
      const name = `k${random(20_000)}`;
      const place = { offset: random(2 ** 31) * 1024 + random(1024), length: 1 + random(2 ** 20) };
      table.set(name, place.offset, place.length);
      model.set(name, place);
    }
    expect(table.size).toBe(model.size);
    for (const [name, place] of model) expect(table.get(name)).toEqual(place);
    for (let index = 20_000; index < 21_000; index++) expect(table.get(`k${index}`)).toBeUndefined();
  });

  it('keeps places that do not pack into a slot exactly (offsets past 1 TiB, records of 16 MiB), through growth and overwrite', () => {
    const table = new KeyTable(2);
    const places: Array<[string, number, number]> = [
      ['edge-offset', TiB - 1, 16 * MiB - 2],
      ['big-offset', TiB, 1],
      ['huge-offset', 2 ** 52 + 8, 7],
      ['edge-length', 5, 16 * MiB - 1],
      ['big-length', 9, 2 ** 32 - 1],
    ];
    for (const [name, offset, length] of places) table.set(name, offset, length);
    for (let index = 0; index < 5000; index++) table.set(key(index), index, 1);
    for (const [name, offset, length] of places) expect(table.get(name)).toEqual({ offset, length });
    table.set('big-offset', 3, 4);
    table.set('edge-offset', TiB + 3, 4);
    expect(table.get('big-offset')).toEqual({ offset: 3, length: 4 });
    expect(table.get('edge-offset')).toEqual({ offset: TiB + 3, length: 4 });
    expect(table.size).toBe(5005);
  });

  it('forgets every key on clear', () => {
    const table = new KeyTable();
    for (let index = 0; index < 3000; index++) table.set(key(index), index, 1);
    table.set('big', TiB, 1);
    table.clear();
    expect(table.size).toBe(0);
    expect(table.get(key(1))).toBeUndefined();
    expect(table.get('big')).toBeUndefined();
    table.set(key(1), 10, 2);
    expect(table.get(key(1))).toEqual({ offset: 10, length: 2 });
  });
});
