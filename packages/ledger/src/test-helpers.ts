import type { Clock, Logger } from '@maxllm/core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord } from './call-record';
import { ledgerColumns, type LedgerRow } from './columns';
import { csvField } from './csv';
import { parseCsvLine } from './parse-csv-line';

/** A temp directory removed by the returned `cleanup`. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'maxllm-ledger-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A clock whose timers fire only when `fire()` is called. */
export function manualClock(
  start = Date.UTC(2026, 0, 2, 3, 4, 5),
): Clock & { fire(): void; pending(): number } {
  let timers: (() => void)[] = [];
  return {
    now: () => start,
    setTimeout(fn) {
      timers.push(fn);
      return fn;
    },
    clearTimeout(handle) {
      timers = timers.filter((timer) => timer !== handle);
    },
    fire() {
      const due = timers;
      timers = [];
      for (const fn of due) fn();
    },
    pending: () => timers.length,
  };
}

/** A logger that keeps its messages. */
export function memoryLogger(): Logger & { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    warnings,
    errors,
    debug: () => {},
    info: () => {},
    warn: (message) => warnings.push(message),
    error: (message) => errors.push(message),
  };
}

/** Parsed CSV file: header and rows as objects keyed by column. */
export async function readCsv(
  path: string,
): Promise<{ header: string[]; rows: Record<string, string>[]; lines: string[] }> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  if (lines.at(-1) === '') lines.pop();
  const header = parseCsvLine(lines[0] ?? '') ?? [];
  const rows = lines.slice(1).map((line) => {
    const fields = parseCsvLine(line);
    if (fields === undefined || fields.length !== header.length)
      throw new Error(`Malformed ledger line: ${line}`);
    return Object.fromEntries(header.map((name, index) => [name, fields[index]!]));
  });
  return { header, rows, lines };
}

/** A successful API call with overridden prices ($2 / $8 / $0.5 per 1M). */
export function sampleCall(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    model: 'gpt-test',
    uniqueName: 'test-model',
    prompt: 'hello',
    completion: 'world',
    usage: { inputTokens: 1000, outputTokens: 500, cachedInputTokens: 200, reasoningTokens: 100 },
    cacheHit: false,
    batch: false,
    status: 'ok',
    prices: { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 },
    ...overrides,
  };
}

/**
 * Complete CSV lines (each ending in a newline) for `rows`, their fields in `ledgerColumns` order, by the ledger's
 * field rule (`csvField`): what the ledger wrote through a `LedgerRow`, for tests that compare against csv-writer or
 * read lines back.
 */
export function csvLines(rows: readonly LedgerRow[]): string {
  return rows.map((row) => `${ledgerColumns.map((column) => csvField(row[column])).join(',')}\n`).join('');
}
