import { createReadStream, existsSync, rmSync, truncateSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { createClient, type MaxllmClient, type ProgressSnapshot } from '@maxllm/client';
import { type MaxllmConfig } from '@maxllm/config';
import { BudgetExceededError, type CallStatus } from '@maxllm/ledger';
import { createCliLogger, flushRepeats, loadCliConfig } from '../context';
import { CliError, ExitCode, UsageError } from '../errors';
import { globalOptions } from '../global-options';
import { withExamples } from '../help';
import { parseRequestLine, readExistingOutput, readLines, type InputLine } from '../jsonl';
import { nonNegative, positiveInteger } from '../numbers';
import { openOutput, type OutputSink } from '../output-sink';
import { runPool } from '../pool';
import { errorRecord } from '../error-record';
import { createTerminalProgress } from '../progress';
import { stderrStatus } from '../status-line';
import { formatUsd, plural } from '../table';
import { preflight } from '../preflight';
import { createRunControl, type RunControl } from '../run-control';
import { stopReason } from '../stop-reason';
import { runCallIds } from '../run-call-ids';
import { runViaBatch } from './run-via-batch';
import { LineSet, type ReadonlyLineSet } from '../line-set';

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
  /** `--max-usd`: the most this run may spend. @unit USD */
  maxUsd?: number;
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

/** What a scan of the input file found before anything is sent. */
interface InputScan {
  /** Non-blank lines. */
  lines: number;
  /** Lines already answered in the output. */
  skipped: number;
  /** Models named by the lines still to send (`"model": ...`), for {@link preflight}. */
  models: Set<string>;
}

/** Reads the input file once before the run (undefined for stdin, which can be read only once). */
async function scanInput(file: string, done: ReadonlyLineSet): Promise<InputScan | undefined> {
  if (file === '-') return undefined;
  const scan: InputScan = { lines: 0, skipped: 0, models: new Set() };
  for await (const line of readLines(createReadStream(file))) {
    scan.lines += 1;
    if (done.has(line.index)) {
      scan.skipped += 1;
      continue;
    }
    if (line.format === 'json' && line.text.includes('"model"')) {
      try {
        const model = (JSON.parse(line.text) as { model?: unknown } | null)?.model;
        if (typeof model === 'string') scan.models.add(model);
      } catch {
        // Reported on its own line when the run reaches it.
      }
    }
  }
  return scan;
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
  done: ReadonlyLineSet,
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
  done: ReadonlyLineSet,
  options: RunOptions,
  control: RunControl,
  scan: InputScan | undefined,
  callIdPrefix?: string,
): Promise<RunSummary> {
  const counters = { lines: 0, skipped: 0 };
  // Start time of each line in flight (insertion order = start order): the progress line shows the oldest's age.
  const inFlight = new Map<number, number>();
  const progress = createTerminalProgress({
    oldestInFlight: () => inFlight.values().next().value,
  });
  const before = sumStatus(client.getCallStatus());
  const snapshot: ProgressSnapshot = {
    done: 0,
    total: scan === undefined ? undefined : scan.lines - scan.skipped,
    cacheHits: 0,
    errors: 0,
    tokens: 0,
    costUsd: 0,
    ...(options.maxUsd !== undefined ? { capUsd: options.maxUsd } : {}),
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
        inFlight.set(line.index, Date.now());
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
              ...(callIdPrefix !== undefined ? { callId: `${callIdPrefix}${line.index}` } : {}),
              signal: control.requests,
            });
            record = { index: line.index, ...id, result };
          } catch (error) {
            // Aborted by Ctrl-C or a stop: not answered, and no error line (a re-run sends it).
            if (control.requests.aborted) return;
            const reason = stopReason(error);
            // Refused by the budget before it was sent: not sent, no error line (a re-run with a higher cap sends
            // it); the calls in flight were sent and are paid for, so they finish.
            if (error instanceof BudgetExceededError) {
              control.drain(reason ?? error.message);
              return;
            }
            if (reason !== undefined) control.halt(reason);
            record = { index: line.index, ...id, error: errorRecord(error) };
          }
        } catch (error) {
          record = { index: line.index, error: errorRecord(error) };
        } finally {
          inFlight.delete(line.index);
        }
        // The line's ledger row is on disk before its answer (a failure is reported by close()).
        await client.flush().catch(() => {});
        sink.write(record);
        const now = sumStatus(client.getCallStatus());
        snapshot.done += 1;
        if (record.error !== undefined) snapshot.errors += 1;
        snapshot.cacheHits = now.hits - before.hits;
        snapshot.costUsd = now.costUsd - before.costUsd;
        snapshot.tokens = now.tokens - before.tokens;
        progress.update(snapshot);
      },
      control.admission,
    );
  } finally {
    progress.stop(snapshot);
  }
  // A stopped run did not read every line: the scan says how many were never sent.
  const lines = scan?.lines ?? counters.lines;
  const skipped = scan?.skipped ?? counters.skipped;
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
      .option(
        '--max-usd <usd>',
        'most this run may spend: the call that could cross it is not sent, the run stops, a re-run with a higher cap resumes',
        nonNegative('--max-usd'),
      )
      .action(async (input: string, options: RunOptions, command: Command) => {
        if (options.via !== 'online' && options.via !== 'batch')
          throw new UsageError(`--via must be "online" or "batch", not "${options.via}"`);
        if (input !== '-' && !existsSync(input)) throw new UsageError(`input file ${input} does not exist`);
        if (input === '-' && process.stdin.isTTY === true)
          throw new UsageError('reading JSONL from a terminal: pipe a file in, or name one');
        if (options.output !== undefined && input !== '-' && resolve(options.output) === resolve(input)) {
          throw new UsageError('the output file must not be the input file');
        }
        const verbose = globalOptions(command).verbose;
        const config: MaxllmConfig = loadCliConfig(verbose);
        // Lines a killed run recorded but did not write out: their re-run (a cache hit) adds no second row. A restart
        // (or an output file that is gone) starts a new generation of call ids, so old rows never count for new lines;
        // it is written down before the output is truncated, so a restart killed before its first row resumes it.
        const callIds =
          options.output === undefined
            ? undefined
            : await runCallIds(
                config.paths.ledger,
                options.output,
                options.restart === true || !existsSync(options.output),
              );
        if (options.restart === true && options.output !== undefined) {
          if (existsSync(options.output)) truncateSync(options.output);
          rmSync(`${resolve(options.output)}.batch.json`, { force: true });
        }
        const existing = options.output === undefined ? undefined : await readExistingOutput(options.output);
        const done = existing?.done ?? new LineSet();
        const scan = options.via === 'batch' ? undefined : await scanInput(input, done);
        // Fail fast: an unknown model, a missing key or a bad limit would fail every line one by one.
        await preflight(config, [options.model, ...(scan?.models ?? [])]);
        const logger = createCliLogger(verbose);
        const callIdPrefix = callIds?.prefix;
        const recordedCallIds = callIds?.recorded;
        const client = createClient({
          config,
          logger,
          // Each line is asked once: a hit kept in memory would only be memory (up to 64 MiB on a re-run).
          cacheMemoryEntries: 0,
          ...(options.maxUsd !== undefined ? { maxUsd: options.maxUsd } : {}),
          ...(recordedCallIds ? { recordedCallIds } : {}),
        });
        const sink = openOutput(options.output, existing?.endsWithNewline === false);
        const control = createRunControl();
        const onSignal = (): void => {
          if (control.admission.aborted) {
            stderrStatus.end();
            process.exit(ExitCode.interrupted);
          }
          stderrStatus.print(
            'maxllm: stopping: no new requests; those in flight get a moment to finish (Ctrl-C again to quit now)',
          );
          control.interrupt();
        };
        process.on('SIGINT', onSignal);
        let summary: RunSummary;
        let closing: { error: unknown } | undefined;
        try {
          // An unreachable Redis (shared limits) fails here, once, before any line is sent.
          if (options.via === 'online') await client.connect();
          summary =
            options.via === 'batch'
              ? await runViaBatch({
                  client,
                  output: options.output,
                  file: input,
                  sink,
                  done,
                  options,
                  signal: control.admission,
                })
              : await runOnline(client, input, sink, done, options, control, scan, callIdPrefix);
        } catch (error) {
          if (options.via === 'batch' && control.stop?.kind === 'interrupted') {
            throw new CliError(
              'interrupted: the batch jobs keep running at the provider; re-run the same command to wait for them and write the answers',
              { exitCode: ExitCode.interrupted },
            );
          }
          throw error;
        } finally {
          process.off('SIGINT', onSignal);
          control.dispose();
          sink.close();
          closing = await client.close().then(
            () => undefined,
            (error: unknown) => ({ error }),
          );
        }
        flushRepeats();
        const where = options.output === undefined ? '' : `; output: ${options.output}`;
        process.stderr.write(
          `run: ${plural(summary.lines, 'line')}: ${summary.done} answered (${summary.hits} from the cache), ${summary.skipped} already done, ${summary.failed} failed, ${summary.notSent} not sent; ${formatUsd(summary.costUsd)} spent${where}\n`,
        );
        // Ledger rows that could not be written (full disk, read-only home) fail the run after its summary.
        if (closing !== undefined) throw closing.error;
        const stop = control.stop;
        if (stop?.kind === 'interrupted')
          throw new CliError(
            `interrupted: ${summary.notSent} line(s) not sent; re-run the same command to continue`,
            { exitCode: ExitCode.interrupted },
          );
        if (stop?.kind === 'stopped')
          throw new CliError(
            `stopped: ${stop.reason}; ${summary.notSent} line(s) were not sent; re-run the same command to resume`,
          );
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
