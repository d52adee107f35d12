import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { readLedgerRows } from '@maxllm/ledger';

/**
 * The `call_id` prefix of the lines of one `maxllm run` output file: `run:<12 hex of its absolute path's hash>:`.
 * Line `i` is `<prefix><i>`: the same every time the run is resumed with the same `-o`.
 */
export function runCallIdPrefix(output: string): string {
  return `run:${createHash('sha256').update(resolve(output)).digest('hex').slice(0, 12)}:`;
}

/**
 * The `call_id`s starting with `prefix` that already have an `ok` row in the ledger: lines a killed run paid for and
 * recorded, whose answer may not have reached the output. Their re-run is a cache hit that writes no second row.
 */
export async function recordedRunCalls(ledgerPath: string, prefix: string): Promise<Set<string>> {
  const recorded = new Set<string>();
  for await (const row of readLedgerRows(ledgerPath, { logger: { warn: () => {} } })) {
    if (row.status === 'ok' && row.call_id.startsWith(prefix)) recorded.add(row.call_id);
  }
  return recorded;
}
