import { readLedgerRows } from '@maxllm/ledger';

/**
 * The `request_id`s of the ledger's rows for `uniqueName` written at or after `since`: what an interrupted
 * `results()` may already have recorded. Streams the file (only the matching ids are kept).
 */
export async function ledgerRequestIds(
  path: string,
  uniqueName: string,
  since: number,
): Promise<Set<string>> {
  const from = new Date(since).toISOString();
  const ids = new Set<string>();
  for await (const row of readLedgerRows(path)) {
    if (row.request_id !== '' && row.unique_name === uniqueName && row.timestamp >= from)
      ids.add(row.request_id);
  }
  return ids;
}
