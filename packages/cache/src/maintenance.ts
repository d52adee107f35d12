import cacache from 'cacache';
import type { IndexRecord } from './cacache-layout';
import type { NamespaceStats } from './types';

/** Every live index entry of the cache directory (cacache.ls: reads the whole index). */
export async function listEntries(dir: string): Promise<IndexRecord[]> {
  return Object.values(await cacache.ls(dir));
}

/** The namespace an entry belongs to: its metadata, else the part of its key before NUL. */
export function namespaceOf(record: Pick<IndexRecord, 'key' | 'metadata'>): string {
  return record.metadata?.namespace ?? record.key.split('\u0000')[0] ?? '';
}

/** Whether the entry's TTL has passed at `now`. */
export function isExpired(expiresAt: number | undefined, now: number): boolean {
  return typeof expiresAt === 'number' && now >= expiresAt;
}

/** Adds one entry to running totals. */
export function count(
  totals: NamespaceStats,
  record: Pick<IndexRecord, 'size' | 'metadata'>,
  now: number,
): void {
  totals.entries++;
  totals.bytes += record.size ?? 0;
  if (isExpired(record.metadata?.expiresAt, now)) totals.expired++;
}

const removeConcurrency = 32;

/**
 * Removes index entries (the bucket file, not a tombstone line), then the content no remaining entry refers to
 * (content is shared between entries with identical bytes).
 */
export async function removeEntries(dir: string, records: readonly IndexRecord[]): Promise<void> {
  for (let start = 0; start < records.length; start += removeConcurrency) {
    await Promise.all(
      records.slice(start, start + removeConcurrency).map((record) => removeIndexEntry(dir, record.key)),
    );
  }
  const orphans = new Set(records.map((record) => record.integrity));
  for (const record of await listEntries(dir)) orphans.delete(record.integrity);
  const integrities = [...orphans];
  for (let start = 0; start < integrities.length; start += removeConcurrency) {
    await Promise.all(
      integrities
        .slice(start, start + removeConcurrency)
        .map((integrity) => cacache.rm.content(dir, integrity)),
    );
  }
}

/** Deletes the index bucket of `key` outright (cacache `removeFully`), so deletions leave no tombstones behind. */
export async function removeIndexEntry(dir: string, key: string): Promise<void> {
  const remove = cacache.rm.entry as (
    dir: string,
    key: string,
    options: { removeFully: boolean },
  ) => Promise<unknown>;
  await remove(dir, key, { removeFully: true });
}
