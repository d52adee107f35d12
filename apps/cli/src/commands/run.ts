import { createReadStream, existsSync, rmSync, truncateSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { createClient, type CallStatus, type MaxllmClient, type ProgressSnapshot } from 'maxllm';
import { createCliLogger, loadCliConfig } from '../context.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { globalOptions } from '../global-options.js';
import { withExamples } from '../help.js';
import { parseRequestLine, readExistingOutput, readLines, type InputLine } from '../jsonl.js';
import { positiveInteger } from '../numbers.js';
import { openOutput, type OutputSink } from '../output-sink.js';
import { runPool } from '../pool.js';
import { errorRecord } from '../error-record.js';
import { createTerminalProgress } from '../progress.js';
import { formatUsd, plural } from '../table.js';
import { runViaBatch } from './run-via-batch.js';

/** Options of `maxllm run`. */
export interface RunOptions {
  output?: string;
  model: string;
  system?: string;
  concurrency: number;
  via: string;
  json?: boolean;
  cache: boolean;
  restart?: boolean;
  workspace?: string;
  poll?: string;
}

/** What a run did, for the summary line. */
export interface RunSummary {
  lines: number;
  skipped: number;
  done: number;
  failed: number;
  /** Lines that were not sent (a stop, Ctrl-C, or a batch submitted without them): a re-run sends them. */
  notSent: number;
  hits: number;
  costUsd: number;
}

function openInput(file: string): Readable {
  return file === '-' ? process.stdin : createReadStream(file);
}

/** Non-blank lines of the input file and how many of them are already `done` (undefined for stdin). */
async function countLines(
  file: string,
  done: ReadonlySet<number>,
): Promise<{ lines: number; skipped: number } | undefined> {
  if (file === '-') return undefined;
  const count = { lines: 0, skipped: 0 };
  for await (const line of readLines(createReadStream(file))) {
    count.lines += 1;
    if (done.has(line.index)) count.skipped += 1;
  }
  return count;
}

function sumStatus(status: CallStatus): { hits: number; costUsd: number; tokens: number } {
  const sum = { hits: 0, costUsd: 0, tokens: 0 };
  for (const model of Object.values(status)) {
    sum.hits += model.cacheHits;
    sum.costUsd += model.costUsd;
    sum.tokens +=
      model.hitInputTokens + model.missInputTokens + model.hitOutputTokens + model.missOutputTokens;
  }
  return sum;
}

/** Streams the input lines that still need an answer (skipping `done`), counting every line read. */
async function* pendingLines(
  file: string,
  done: ReadonlySet<number>,
  counters: { lines: number; skipped: number },
): AsyncGenerator<InputLine> {
  for await (const line of readLines(openInput(file))) {
    counters.lines += 1;
    if (done.has(line.index)) {
      counters.skipped += 1;
      continue;
    }
    yield line;
  }
}

async function runOnline(
  client: MaxllmClient,
  file: string,
  sink: OutputSink,
  done: ReadonlySet<number>,
  options: RunOptions,
  signal: AbortSignal,
): Promise<RunSummary> {
  const counters = { lines: 0, skipped: 0 };
  const total = await countLines(file, done);
  const progress = createTerminalProgress();
  const before = sumStatus(client.getCallStatus());
  const snapshot: ProgressSnapshot = {
    done: 0,
    total: total === undefined ? undefined : total.lines - total.skipped,
    cacheHits: 0,
    errors: 0,
    tokens: 0,
    costUsd: 0,
    startedAt: Date.now(),
  };
  progress.start(snapshot, `run ${file === '-' ? 'stdin' : file}`);
  const source = file === '-' ? 'stdin' : file;
  try {
    await runPool(
      pendingLines(file, done, counters),
      options.concurrency,
      async (line) => {
        let record: Record<string, unknown>;
        try {
          const parsed = parseRequestLine(line, source);
          const id = parsed.id === undefined ? {} : { id: parsed.id };
          try {
            const result = await client.complete({
              model: options.model,
              ...(options.system !== undefined ? { systemPrompt: options.system } : {}),
              ...(options.json === true ? { jsonMode: true } : {}),
              ...(options.cache ? {} : { force: true }),
              ...parsed.request,
            });
            record = { index: line.index, ...id, result };
          } catch (error) {
            record = { index: line.index, ...id, error: errorRecord(error) };
          }
        } catch (error) {
          record = { index: line.index, error: errorRecord(error) };
        }
        sink.write(record);
        const now = sumStatus(client.getCallStatus());
        snapshot.done += 1;
        if (record.error !== undefined) snapshot.errors += 1;
        snapshot.cacheHits = now.hits - before.hits;
        snapshot.costUsd = now.costUsd - before.costUsd;
        snapshot.tokens = now.tokens - before.tokens;
        progress.update(snapshot);
      },
      signal,
    );
  } finally {
    progress.stop(snapshot);
  }
  // A stopped run did not read every line: the file's own count says how many were never sent.
  const lines = total?.lines ?? counters.lines;
  const skipped = total?.skipped ?? counters.skipped;
  return {
    lines,
    skipped,
    done: snapshot.done - snapshot.errors,
    failed: snapshot.errors,
    notSent: lines - skipped - snapshot.done,
    hits: snapshot.cacheHits,
    costUsd: snapshot.costUsd,
  };
}

/** `maxllm run <file.jsonl|->`: a JSONL of prompts or requests in, a JSONL of results out, resumable. */
export function registerRunCommand(program: Command): void {
  withExamples(
    program
      .command('run')
      .description(
        'complete every line of a JSONL file (prompt strings or request objects) or a plain-text file (one prompt per line) and write {"index", "result"} lines; re-running with the same -o skips lines already answered',
      )
      .argument('<input>', 'input JSONL file, or - for stdin')
      .option(
        '-o, --output <file>',
        'output JSONL (appended; lines already there are skipped); default stdout',
      )
      .option(
        '-m, --model <model>',
        'model for lines that name none (a balancing spec "a:1+b:2" works too)',
        'gpt-4o-mini',
      )
      .option('-s, --system <text>', 'system prompt for lines that give none')
      .option(
        '--concurrency <n>',
        'requests in flight (the model limits may admit fewer)',
        positiveInteger('--concurrency'),
        32,
      )
      .option(
        '--via <path>',
        '"online" (chat API) or "batch" (OpenAI Batch API: half price, answers within 24 h)',
        'online',
      )
      .option(
        '--workspace <name>',
        'with --via batch: the batch workspace name (default: derived from the output file)',
      )
      .option('--poll <duration>', 'with --via batch: time between two polls of the jobs', '30s')
      .option('--json', 'JSON mode for every line')
      .option('--no-cache', 'always call the API (neither read nor write the cache)')
      .option('--restart', 'truncate the output file and start from the first line')
      .action(async (input: string, options: RunOptions, command: Command) => {
        if (options.via !== 'online' && options.via !== 'batch')
          throw new UsageError(`--via must be "online" or "batch", not "${options.via}"`);
        if (input !== '-' && !existsSync(input)) throw new UsageError(`input file ${input} does not exist`);
        if (input === '-' && process.stdin.isTTY === true)
          throw new UsageError('reading JSONL from a terminal: pipe a file in, or name one');
        if (options.output !== undefined && input !== '-' && resolve(options.output) === resolve(input)) {
          throw new UsageError('the output file must not be the input file');
        }
        if (options.restart === true && options.output !== undefined) {
          if (existsSync(options.output)) truncateSync(options.output);
          rmSync(`${resolve(options.output)}.batch.json`, { force: true });
        }
        const existing = options.output === undefined ? undefined : await readExistingOutput(options.output);
        const done = existing?.done ?? new Set<number>();
        const verbose = globalOptions(command).verbose;
        const config = loadCliConfig(verbose);
        const logger = createCliLogger(verbose);
        const client = createClient({ config, logger });
        const sink = openOutput(options.output, existing?.endsWithNewline === false);
        const controller = new AbortController();
        const onSignal = (): void => {
          if (controller.signal.aborted) process.exit(ExitCode.interrupted);
          process.stderr.write(
            '\nmaxllm: stopping after the requests in flight (Ctrl-C again to quit now)\n',
          );
          controller.abort();
        };
        process.on('SIGINT', onSignal);
        let summary: RunSummary;
        try {
          summary =
            options.via === 'batch'
              ? await runViaBatch({
                  client,
                  output: options.output,
                  file: input,
                  sink,
                  done,
                  options,
                  signal: controller.signal,
                })
              : await runOnline(client, input, sink, done, options, controller.signal);
        } finally {
          process.off('SIGINT', onSignal);
          sink.close();
          await client.close();
        }
        const where = options.output === undefined ? '' : `; output: ${options.output}`;
        process.stderr.write(
          `run: ${plural(summary.lines, 'line')}: ${summary.done} answered (${summary.hits} from the cache), ${summary.skipped} already done, ${summary.failed} failed, ${summary.notSent} not sent; ${formatUsd(summary.costUsd)} spent${where}\n`,
        );
        if (controller.signal.aborted)
          throw new CliError('interrupted: re-run the same command to continue', {
            exitCode: ExitCode.interrupted,
          });
        if (summary.notSent > 0)
          throw new CliError(
            `${summary.notSent} line(s) were not sent; re-run the same command to send them`,
          );
        if (summary.failed > 0) {
          throw new CliError(
            `${summary.failed} line(s) failed (their output lines carry "error"); re-run the same command to retry them`,
          );
        }
      }),
    [
      'maxllm run prompts.jsonl -o answers.jsonl',
      'maxllm run prompts.jsonl -o answers.jsonl   # again: only unfinished lines are sent',
      'cat questions.txt | maxllm run - -m gpt-4.1-mini > answers.jsonl',
      'maxllm run big.jsonl -o out.jsonl --via batch   # Batch API: half price',
      '# JSONL lines: "a prompt" | {"prompt": "...", "systemPrompt": "...", "temperature": 0} | {"messages": [...]}',
      '# or a plain-text file: one prompt per line (decided by the first line, for the whole file)',
    ],
  );
}
