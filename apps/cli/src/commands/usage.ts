import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { createResponseCache } from '@maxllm/cache';
import { summarizeLedger } from '@maxllm/ledger';
import { createCliLogger, loadCliConfig, printJson, println } from '../context';
import { parseDuration } from '../duration';
import { UsageError } from '../errors';
import { globalOptions } from '../global-options';
import { withExamples } from '../help';
import { formatLedgerSummary, totalRow } from '../ledger-table';
import { formatBytes, formatCount, formatUsd, plural } from '../table';

/** `--since`: a duration back from now (`7d`) or a date (`2026-11-01`). */
function parseSince(text: string, now: number): Date {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) throw new UsageError(`--since: "${text}" is not a date`);
    return date;
  }
  return new Date(now - parseDuration(text, '--since'));
}

/** `maxllm usage` and `maxllm status`. */
export function registerUsageCommands(program: Command): void {
  withExamples(
    program
      .command('usage')
      .description('calls, cache hits, tokens and cost from the ledger, per model or per day')
      .option('--since <when>', 'only calls since a duration ago (7d, 12h) or a date (2026-11-01)')
      .option('--by <group>', 'group by "model" or "day"', 'model')
      .option('--json', 'print JSON')
      .action(async (options: { since?: string; by: string; json?: boolean }, command: Command) => {
        if (options.by !== 'model' && options.by !== 'day') {
          throw new UsageError(`--by must be "model" or "day", not "${options.by}"`);
        }
        const since = options.since === undefined ? undefined : parseSince(options.since, Date.now());
        const verbose = globalOptions(command).verbose;
        const config = loadCliConfig(verbose);
        const rows = await summarizeLedger(config.paths.ledger, {
          by: options.by,
          ...(since ? { since } : {}),
          logger: createCliLogger(verbose),
        });
        if (options.json === true) {
          printJson({
            ledger: config.paths.ledger,
            since: since?.toISOString() ?? null,
            by: options.by,
            rows,
            total: totalRow(rows),
          });
          return;
        }
        println(`ledger: ${config.paths.ledger}${since ? ` (since ${since.toISOString()})` : ''}`);
        println(rows.length === 0 ? 'No calls recorded.' : formatLedgerSummary(rows, options.by));
      }),
    ['maxllm usage', 'maxllm usage --since 7d --by day', 'maxllm usage --since 2026-11-01 --json'],
  );

  withExamples(
    program
      .command('status')
      .description(
        'where MaxLLM keeps its files, and the call status (calls, hit rate, cost) from the ledger',
      )
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }, command: Command) => {
        const verbose = globalOptions(command).verbose;
        const config = loadCliConfig(verbose);
        const rows = await summarizeLedger(config.paths.ledger, {
          by: 'model',
          logger: createCliLogger(verbose),
        });
        const today = await summarizeLedger(config.paths.ledger, {
          by: 'model',
          since: new Date(Date.now() - 86_400_000),
          logger: { warn: () => {} }, // the same lines were reported just above: one warning
        });
        const cache = createResponseCache({ dir: config.paths.cache, memoryEntries: 0 });
        const stats = await cache.stats().finally(() => cache.close());
        let ledgerBytes = 0;
        try {
          ledgerBytes = statSync(config.paths.ledger).size;
        } catch {
          // No ledger yet.
        }
        const total = totalRow(rows);
        const day = totalRow(today);
        if (options.json === true) {
          printJson({
            config: config.source ?? null,
            home: config.home,
            ledger: { path: config.paths.ledger, bytes: ledgerBytes },
            cache: { path: config.paths.cache, entries: stats.entries, bytes: stats.bytes },
            models: rows,
            total,
            last24h: day,
          });
          return;
        }
        println(`config:  ${config.source ?? '(built-in default)'}`);
        println(`ledger:  ${config.paths.ledger} (${formatBytes(ledgerBytes)})`);
        println(
          `cache:   ${config.paths.cache} (${formatCount(stats.entries)} answers, ${formatBytes(stats.bytes)})`,
        );
        println(
          `last 24h: ${plural(day.calls, 'call')}, ${formatCount(day.hits)} cached, ${formatUsd(day.costUsd)} spent`,
        );
        println(
          `all time: ${plural(total.calls, 'call')}, ${formatCount(total.hits)} cached, ${formatUsd(total.costUsd)} spent, ${formatUsd(total.savedUsd)} saved`,
        );
        if (rows.length > 0) {
          println('');
          println(formatLedgerSummary(rows, 'model'));
        }
      }),
    ['maxllm status', 'maxllm status --json'],
  );
}
