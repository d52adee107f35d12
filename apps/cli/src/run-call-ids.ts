import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readLedgerRows } from '@maxllm/ledger';

/** The `call_id`s of one `maxllm run` output file's current generation. */
export interface RunCallIds {
  /** Line `i` is `<prefix><i>`. */
  prefix: string;
  /**
   * The `call_id`s of this generation that already have an `ok` row: lines a killed run paid for and recorded,
   * whose answer may not have reached the output. Their re-run is a cache hit that writes no second row.
   */
  recorded: Set<string>;
}

/**
 * The `call_id`s of the lines of `maxllm run -o <output>`: `run:<12 hex of the output's absolute path hash>:<i>`,
 * the same every time the run is resumed. Each `--restart` starts a new generation, `run:<hash>.<n>:<i>`: the rows of
 * the output it truncated keep their ids, so they never stand for the new run's rows. A resumed run continues the
 * newest generation found in the ledger.
 */
export async function runCallIds(ledgerPath: string, output: string, restart: boolean): Promise<RunCallIds> {
  const base = `run:${createHash('sha256').update(resolve(output)).digest('hex').slice(0, 12)}`;
  const pattern = new RegExp(`^${base}(?:\\.(\\d+))?:`);
  let newest = -1;
  /** Ok call ids per generation. */
  const okIds = new Map<number, Set<string>>();
  if (existsSync(ledgerPath)) {
    for await (const row of readLedgerRows(ledgerPath, { logger: { warn: () => {} } })) {
      const match = pattern.exec(row.call_id);
      if (match === null) continue;
      const generation = Number(match[1] ?? 0);
      newest = Math.max(newest, generation);
      if (row.status !== 'ok') continue;
      let ids = okIds.get(generation);
      if (!ids) okIds.set(generation, (ids = new Set()));
      ids.add(row.call_id);
    }
  }
  const generation = restart ? newest + 1 : Math.max(newest, 0);
  return {
    prefix: generation === 0 ? `${base}:` : `${base}.${generation}:`,
    recorded: restart ? new Set() : (okIds.get(generation) ?? new Set()),
  };
}
