import { readLedgerRows } from '@maxllm/ledger';
import { CompactStringSet, type ReadonlyStringSet } from './compact-string-set';

/**
 * The `request_id`s of the ledger's rows for `uniqueName` written at or after `since`: what an interrupted
 * `results()` may already have recorded. Streams the file; the matching ids are copied into a `CompactStringSet`
 * (a `Set` of the strings as read would keep the ledger's text alive: they are slices of its read chunks).
 */
export async function ledgerRequestIds(
  path: string,
  uniqueName: string,
  since: number,
): Promise<ReadonlyStringSet> {
  const from = new Date(since).toISOString();
  const ids = new CompactStringSet();
  for await (const row of readLedgerRows(path)) {
    if (row.request_id !== '' && row.unique_name === uniqueName && row.timestamp >= from)
      ids.add(row.request_id);
  }
  return ids;
}
