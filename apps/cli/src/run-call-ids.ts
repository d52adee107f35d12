import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readLedgerRows } from '@maxllm/ledger';
import { LineSet } from './line-set';

/** The `call_id`s of one `maxllm run` output file's current generation. */
export interface RunCallIds {
  /** Line `i` is `<prefix><i>`. */
  prefix: string;
  /**
   * The `call_id`s of this generation that already have an `ok` row: lines a killed run paid for and recorded,
   * whose answer may not have reached the output. Their re-run is a cache hit that writes no second row. One bit per
   * line (`LineSet`), not a string per id: 1M recorded lines take 128 KB.
   */
  recorded: { has(callId: string): boolean };
}

/** A line index as the run writes it into a call id: `0` or digits without a leading zero. */
const LINE_INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * The file beside the ledger that holds the newest generation started for one output (`<logs>/runs/<hash>`): a
 * restart killed before its first ledger row still resumes its own generation, not the one it replaced.
 */
function startedFile(ledgerPath: string, hash: string): string {
  return join(dirname(ledgerPath), 'runs', hash);
}

/** The generation in `file`, or -1 when there is none (or it does not parse). */
function readStarted(file: string): number {
  if (!existsSync(file)) return -1;
  const generation = Number(readFileSync(file, 'utf8').trim());
  return Number.isSafeInteger(generation) && generation >= 0 ? generation : -1;
}

/** Writes `generation` to `file` whole (a temp file renamed over it: a kill leaves the old value or the new). */
function writeStarted(file: string, generation: number): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 }); // owner only, as the ledger beside it
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${generation}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/**
 * The `call_id`s of the lines of `maxllm run -o <output>`: `run:<12 hex of the output's absolute path hash>:<i>`,
 * the same every time the run is resumed. Each `--restart` starts a new generation, `run:<hash>.<n>:<i>`: the rows of
 * the output it truncated keep their ids, so they never stand for the new run's rows. A resumed run continues the
 * newest generation found in the ledger or started (a restart writes its generation down before it returns, so call
 * this before truncating the output).
 */
export async function runCallIds(ledgerPath: string, output: string, restart: boolean): Promise<RunCallIds> {
  const hash = createHash('sha256').update(resolve(output)).digest('hex').slice(0, 12);
  const base = `run:${hash}`;
  const pattern = new RegExp(`^${base}(?:\\.([1-9]\\d*))?:`);
  let newest = -1;
  /** The lines with an ok row in generation `newest` (rows only ever move to a newer generation). */
  let okLines = new LineSet();
  if (existsSync(ledgerPath)) {
    for await (const row of readLedgerRows(ledgerPath, { logger: { warn: () => {} } })) {
      const match = pattern.exec(row.call_id);
      if (match === null) continue;
      const generation = Number(match[1] ?? 0);
      if (generation < newest) continue;
      if (generation > newest) {
        newest = generation;
        okLines = new LineSet();
      }
      const line = row.call_id.slice(match[0].length);
      if (row.status === 'ok' && LINE_INDEX.test(line)) okLines.add(Number(line));
    }
  }
  const started = startedFile(ledgerPath, hash);
  const current = Math.max(newest, readStarted(started));
  const generation = restart ? current + 1 : Math.max(current, 0);
  if (restart) {
    try {
      writeStarted(started, generation);
    } catch {
      // The ledger's folder cannot be written: its rows will fail loudly at the end of the run (LedgerWriteError);
      // without the mark, a restart killed before its first row resumes the generation it replaced.
    }
  }
  const prefix = generation === 0 ? `${base}:` : `${base}.${generation}:`;
  const lines = generation === newest ? okLines : new LineSet();
  return {
    prefix,
    recorded: {
      has(callId) {
        if (!callId.startsWith(prefix)) return false;
        const line = callId.slice(prefix.length);
        return LINE_INDEX.test(line) && lines.has(Number(line));
      },
    },
  };
}
