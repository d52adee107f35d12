import type { Command } from 'commander';
import { createResponseCache, type ResponseCache } from '@maxllm/cache';
import { type MaxllmConfig } from '@maxllm/config';
import { confirm } from '../confirm';
import { loadCliConfig, printJson, println } from '../context';
import { parseDuration } from '../duration';
import { CliError } from '../errors';
import { globalOptions } from '../global-options';
import { withExamples } from '../help';
import { formatBytes, formatCount, formatTable } from '../table';

async function withCache<T>(
  command: Command,
  use: (cache: ResponseCache, config: MaxllmConfig) => Promise<T>,
): Promise<T> {
  const config = loadCliConfig(globalOptions(command).verbose);
  const cache = createResponseCache({ dir: config.paths.cache, memoryEntries: 0 });
  try {
    return await use(cache, config);
  } finally {
    await cache.close();
  }
}

/** The cache namespace for `name`: itself when it names a namespace, else the unique name it resolves to. */
async function namespaceFor(cache: ResponseCache, config: MaxllmConfig, name: string): Promise<string> {
  const { namespaces } = await cache.stats();
  if (name in namespaces) return name;
  try {
    return config.resolveModel(name).uniqueName;
  } catch {
    return name;
  }
}

/** `maxllm cache stats|verify|clear|prune`. */
export function registerCacheCommand(program: Command): void {
  const cache = program
    .command('cache')
    .description('inspect and maintain the response cache ($MAXLLM_HOME/cache)');
  withExamples(cache, [
    'maxllm cache stats',
    'maxllm cache prune --older-than 30d',
    'maxllm cache clear gpt-4o-mini --yes',
  ]);

  withExamples(
    cache
      .command('stats')
      .description('entries and bytes per model')
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }, command: Command) => {
        await withCache(command, async (store, config) => {
          const stats = await store.stats();
          if (options.json === true) {
            printJson({ dir: config.paths.cache, ...stats });
            return;
          }
          const rows = Object.entries(stats.namespaces)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, entry]) => [
              name,
              formatCount(entry.entries),
              formatBytes(entry.bytes),
              formatCount(entry.expired),
            ]);
          rows.push([
            'total',
            formatCount(stats.entries),
            formatBytes(stats.bytes),
            formatCount(stats.expired),
          ]);
          println(`cache: ${config.paths.cache}`);
          println(formatTable(['model', 'entries', 'size', 'expired'], rows));
        });
      }),
    ['maxllm cache stats', 'maxllm cache stats --json'],
  );

  withExamples(
    cache
      .command('verify')
      .description(
        'check every stored answer against its checksum; corrupt ones are removed (run while nothing else writes)',
      )
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }, command: Command) => {
        await withCache(command, async (store) => {
          const report = await store.verify();
          if (options.json === true) {
            printJson(report);
            return;
          }
          println(
            `checked ${formatCount(report.totalEntries)} entries, ${formatCount(report.verifiedContent)} content files`,
          );
          println(
            `removed ${formatCount(report.badContentCount)} corrupt, ${formatCount(report.missingContent)} with missing content, ${formatCount(report.reclaimedCount)} unreferenced (${formatBytes(report.reclaimedSize)})`,
          );
          println(`kept ${formatBytes(report.keptSize)}`);
        });
      }),
    ['maxllm cache verify'],
  );

  withExamples(
    cache
      .command('clear')
      .description('remove every cached answer, or only those of MODEL (a model name or a cache namespace)')
      .argument('[model]', 'model name or unique name')
      .option('-y, --yes', 'do not ask for confirmation')
      .action(async (model: string | undefined, options: { yes?: boolean }, command: Command) => {
        await withCache(command, async (store, config) => {
          const namespace = model === undefined ? undefined : await namespaceFor(store, config, model);
          const { namespaces, entries } = await store.stats();
          const count = namespace === undefined ? entries : (namespaces[namespace]?.entries ?? 0);
          if (count === 0) {
            // Say so rather than "removed": a mistyped model name must not look like it worked.
            const known = Object.keys(namespaces).sort().join(', ') || 'none';
            println(
              namespace === undefined
                ? `the cache in ${config.paths.cache} is empty: nothing removed`
                : `no cached answers for ${namespace} (cached models: ${known}): nothing removed`,
            );
            return;
          }
          const what =
            namespace === undefined
              ? `every cached answer in ${config.paths.cache} (${formatCount(count)})`
              : `the ${formatCount(count)} cached answer(s) of ${namespace}`;
          if (!(await confirm(`Remove ${what}?`, options.yes)))
            throw new CliError('cancelled: nothing removed');
          await store.clear(namespace);
          println(`removed ${what}`);
        });
      }),
    ['maxllm cache clear gpt-4o-mini', 'maxllm cache clear --yes'],
  );

  withExamples(
    cache
      .command('prune')
      .description('remove expired answers and, with --older-than, answers stored longer ago than that')
      .option('--older-than <duration>', 'age limit, e.g. 30d, 12h, 2w')
      .action(async (options: { olderThan?: string }, command: Command) => {
        const olderThan =
          options.olderThan === undefined ? undefined : parseDuration(options.olderThan, '--older-than');
        await withCache(command, async (store) => {
          const removed = await store.prune(olderThan === undefined ? {} : { olderThanMs: olderThan });
          println(`removed ${formatCount(removed)} entr${removed === 1 ? 'y' : 'ies'}`);
        });
      }),
    ['maxllm cache prune', 'maxllm cache prune --older-than 30d'],
  );
}
