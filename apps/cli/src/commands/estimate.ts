import { createReadStream, existsSync } from 'node:fs';
import type { Command } from 'commander';
import { createClient, type Band, type RunEstimate } from '@maxllm/client';
import { type CompleteRequest } from '@maxllm/request';
import { createCliLogger, loadCliConfig, printJson, println } from '../context';
import { UsageError } from '../errors';
import { globalOptions } from '../global-options';
import { withExamples } from '../help';
import { parseRequestLine, readLines } from '../jsonl';
import { formatCount, formatTable, formatUsd, plural } from '../table';

interface EstimateCommandOptions {
  model: string;
  system?: string;
  json?: boolean;
  jsonOutput?: boolean;
}

/** `maxllm estimate <file>`: what a `run` of the file would cost and take, before anything is sent. */
export function registerEstimateCommand(program: Command): void {
  withExamples(
    program
      .command('estimate')
      .description(
        'what `maxllm run` of a file would cost and take, without sending anything: tokens, cached prompts, cost online / flex / batch, time at the limits',
      )
      .argument('<input>', 'input file as for `maxllm run` (JSONL of prompts or requests, or plain text)')
      .option('-m, --model <model>', 'model for lines that name none (as for run)', 'gpt-4o-mini')
      .option('-s, --system <text>', 'system prompt for lines that give none (as for run)')
      .option('--json-mode', 'JSON mode for every line (as run --json)')
      .option('--json', 'print the estimate as JSON')
      .action(
        async (input: string, options: EstimateCommandOptions & { jsonMode?: boolean }, command: Command) => {
          if (!existsSync(input)) throw new UsageError(`input file ${input} does not exist`);
          const verbose = globalOptions(command).verbose;
          const config = loadCliConfig(verbose);
          const client = createClient({ config, logger: createCliLogger(verbose) });
          let estimate: RunEstimate;
          try {
            estimate = await client.estimate(requestsOf(input, options), { model: options.model });
          } finally {
            await client.close();
          }
          if (options.json === true) printJson({ input, ...estimate });
          else println(formatEstimate(input, estimate));
        },
      ),
    ['maxllm estimate prompts.jsonl', 'maxllm estimate prompts.jsonl -m gpt-4.1-mini --json'],
  );
}

async function* requestsOf(
  file: string,
  options: EstimateCommandOptions & { jsonMode?: boolean },
): AsyncGenerator<CompleteRequest> {
  for await (const line of readLines(createReadStream(file))) {
    const { request } = parseRequestLine(line, file);
    yield {
      ...(options.system !== undefined ? { systemPrompt: options.system } : {}),
      ...(options.jsonMode === true ? { jsonMode: true } : {}),
      ...request,
    };
  }
}

const tokens = (band: Band) =>
  `${formatCount(band.low)} / ${formatCount(band.expected)} / ${formatCount(band.high)}`;

/** The estimate as a few lines and two small tables. */
export function formatEstimate(input: string, estimate: RunEstimate): string {
  const lines = [
    `estimate for ${input}: ${plural(estimate.prompts, 'prompt')}, ${formatCount(estimate.cached)} already answered in the cache ($0)` +
      (estimate.invalid > 0 ? `, ${formatCount(estimate.invalid)} invalid` : ''),
    '',
    formatTable(
      ['model', 'prompts', 'cached', 'input tokens', 'output tokens (low / expected / high)', 'output from'],
      estimate.models.map((model) => [
        model.uniqueName,
        formatCount(model.prompts),
        formatCount(model.cached),
        formatCount(model.inputTokens),
        tokens(model.outputTokens),
        model.outputMethods
          .map((method) =>
            method === 'history'
              ? `ledger history (${model.historySamples} calls)`
              : method.replace('_', ' '),
          )
          .join(', ') || '-',
      ]),
    ),
    '',
    formatTable(
      ['cost of the uncached prompts', 'low', 'expected', 'high'],
      (
        [
          ['online', estimate.costUsd.online],
          ['online, flex tier', estimate.costUsd.flex],
          ['Batch API', estimate.costUsd.batch],
        ] as const
      ).map(([mode, band]) =>
        band === undefined
          ? [mode, 'no price', '', '']
          : [mode, formatUsd(band.low), formatUsd(band.expected), formatUsd(band.high)],
      ),
    ),
    '',
    `time to finish: online about ${formatSeconds(estimate.onlineSeconds)} at ` +
      estimate.models
        .map(
          (m) =>
            `${m.uniqueName} ${formatLimit(m.limits.rpm)} rpm / ${formatLimit(m.limits.tpm)} tpm / ` +
            `${formatLimit(m.limits.concurrency)} in flight` +
            (m.medianLatencySec === undefined ? '' : ` (median latency ${m.medianLatencySec.toFixed(1)}s)`),
        )
        .join(', ') +
      `; via the Batch API within ${estimate.batchWindowHours} h`,
  ];
  for (const error of estimate.errors) lines.push(`invalid: ${error}`);
  return lines.join('\n');
}

function formatLimit(value: number): string {
  return Number.isFinite(value) ? formatCount(value) : 'unlimited';
}

/** `45s`, `12m 30s`, `3h 05m`. */
export function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
