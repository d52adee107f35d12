import { createReadStream, existsSync } from 'node:fs';
import type { Command } from 'commander';
import { listBatchWorkspaces, type BatchHandle, type BatchWorkspaceSummary } from '@maxllm/batch';
import { createClient, type MaxllmClient } from '@maxllm/client';
import { createCliLogger, loadCliConfig, printJson, println } from '../context';
import { parseDuration } from '../duration';
import { CliError, UsageError } from '../errors';
import { globalOptions } from '../global-options';
import { withExamples } from '../help';
import { parseRequestLine, readExistingOutput, readLines } from '../jsonl';
import { resultLine } from '../line-meta';
import { openOutput } from '../output-sink';
import { formatCount, formatTable } from '../table';

/** A workspace by folder name or absolute path. @throws CliError when there is none. */
async function findWorkspace(batchHome: string, name: string): Promise<BatchWorkspaceSummary> {
  const found = (await listBatchWorkspaces(batchHome)).find(
    (workspace) => workspace.name === name || workspace.path === name,
  );
  if (found === undefined)
    throw new CliError(`no batch workspace "${name}" in ${batchHome} (see: maxllm batch list)`);
  return found;
}

const finalStates = new Set(['completed', 'failed', 'expired', 'cancelled', 'cached']);
const finalJobStatuses = new Set(['completed', 'failed', 'expired', 'cancelled']);

async function withWorkspace<T>(
  command: Command,
  name: string,
  use: (batch: BatchHandle, client: MaxllmClient) => Promise<T>,
): Promise<T> {
  const verbose = globalOptions(command).verbose;
  const config = loadCliConfig(verbose);
  const summary = await findWorkspace(config.paths.batch, name);
  const client = createClient({ config, logger: createCliLogger(verbose) });
  try {
    const batch = await client.getBatch({ model: summary.model, workspace: summary.path });
    try {
      return await use(batch, client);
    } finally {
      await batch.close();
    }
  } finally {
    await client.close();
  }
}

function describeJobs(batch: BatchHandle): string {
  const rows = batch.jobs.map((job) => [
    job.jobId ?? '(not created)',
    job.status ?? '-',
    formatCount(job.requests),
    formatCount(job.requestCounts?.completed),
    formatCount(job.requestCounts?.failed),
  ]);
  return rows.length === 0
    ? '(no jobs: every answer came from the cache)'
    : formatTable(['job', 'status', 'requests', 'completed', 'failed'], rows);
}

/** `maxllm batch submit|status|results|cancel|list`: the OpenAI Batch API as resumable workspaces. */
export function registerBatchCommand(program: Command): void {
  const batch = program
    .command('batch')
    .description(
      'the OpenAI Batch API (half price, answers within 24 h) as resumable workspaces under $MAXLLM_HOME/batch',
    );
  withExamples(batch, [
    'maxllm batch submit prompts.jsonl -m gpt-4o-mini --workspace nightly',
    'maxllm batch status nightly',
    'maxllm batch results nightly --wait -o answers.jsonl',
    'maxllm batch list',
  ]);

  withExamples(
    batch
      .command('submit')
      .description(
        'enqueue every line of a JSONL file (cached answers are not uploaded), upload, and print the workspace',
      )
      .argument('<input>', 'JSONL file (same line formats as `maxllm run`), or - for stdin')
      .option('-m, --model <model>', 'the model every request goes to', 'gpt-4o-mini')
      .option('--workspace <name>', 'workspace name (default: a new one from the current time)')
      .action(async (input: string, options: { model: string; workspace?: string }, command: Command) => {
        if (input !== '-' && !existsSync(input)) throw new UsageError(`input file ${input} does not exist`);
        const verbose = globalOptions(command).verbose;
        const config = loadCliConfig(verbose);
        const client = createClient({ config, logger: createCliLogger(verbose) });
        try {
          const source = input === '-' ? 'stdin' : input;
          // Validate every line first: a bad line must not leave a half-enqueued workspace behind.
          const requests = [];
          for await (const line of readLines(input === '-' ? process.stdin : createReadStream(input))) {
            const { request, id } = parseRequestLine(line, source);
            // The input line travels with the request, so `batch results` can name it (not the custom_id).
            requests.push({
              ...request,
              meta: id === undefined ? { index: line.index } : { index: line.index, id },
            });
          }
          if (requests.length === 0) throw new UsageError(`${source} holds no requests`);
          const handle = await client.getBatch({
            model: options.model,
            ...(options.workspace ? { workspace: options.workspace } : {}),
          });
          try {
            if (handle.state !== 'enqueuing')
              throw new CliError(
                `workspace ${handle.workspace} was already submitted (state ${handle.state})`,
              );
            for (const request of requests) await handle.enqueue({ model: options.model, ...request });
            const state = await handle.upload();
            println(`workspace: ${handle.workspace}`);
            println(`state:     ${state}`);
            println(`requests:  ${handle.size}`);
            println(describeJobs(handle));
          } finally {
            await handle.close();
          }
        } finally {
          await client.close();
        }
      }),
    ['maxllm batch submit prompts.jsonl -m gpt-4o-mini --workspace nightly'],
  );

  withExamples(
    batch
      .command('status')
      .description('poll the jobs of a workspace once and print their state and request counts')
      .argument('<workspace>', 'workspace name (see `maxllm batch list`) or absolute path')
      .option('--json', 'print JSON')
      .action(async (name: string, options: { json?: boolean }, command: Command) => {
        await withWorkspace(command, name, async (handle) => {
          if (!finalStates.has(handle.state) && handle.state !== 'enqueuing') await handle.refresh();
          if (options.json === true) {
            printJson({
              workspace: handle.workspace,
              state: handle.state,
              requests: handle.size,
              jobs: handle.jobs,
            });
            return;
          }
          println(`workspace: ${handle.workspace}`);
          println(`state:     ${handle.state}`);
          println(`requests:  ${handle.size}`);
          println(describeJobs(handle));
        });
      }),
    ['maxllm batch status nightly', 'maxllm batch status nightly --json'],
  );

  withExamples(
    batch
      .command('results')
      .description(
        'write one JSONL line per request ({index, id, result} or {index, id, error}), in enqueue order',
      )
      .argument('<workspace>', 'workspace name or absolute path')
      .option('-o, --output <file>', 'output file (default stdout)')
      .option('--wait', 'wait for the jobs to finish first')
      .option('--poll <duration>', 'time between two polls while waiting', '30s')
      .action(
        async (
          name: string,
          options: { output?: string; wait?: boolean; poll: string },
          command: Command,
        ) => {
          const pollIntervalMs = parseDuration(options.poll, '--poll');
          await withWorkspace(command, name, async (handle) => {
            if (handle.state === 'enqueuing' || handle.state === 'uploading') {
              throw new CliError(`workspace ${name} is not submitted yet (state ${handle.state})`);
            }
            if (!finalStates.has(handle.state)) {
              if (options.wait !== true)
                throw new CliError(`workspace ${name} is still ${handle.state}: add --wait, or try later`);
              await handle.waitUntilDone({
                pollIntervalMs,
                onProgress: (progress) =>
                  process.stderr.write(
                    `${progress.state}: ${progress.completed + progress.failed}/${progress.total} done, ${progress.failed} failed\n`,
                  ),
              });
            }
            const answers = await handle.results();
            // Resumable like `run -o`: lines already in the output file are not written again.
            const existing =
              options.output === undefined ? undefined : await readExistingOutput(options.output);
            const sink = openOutput(options.output, existing?.endsWithNewline === false);
            try {
              answers.forEach((answer, position) => {
                const line = resultLine(answer, position);
                if (existing?.done.has(line.index) === true) return;
                sink.write(answer.ok ? { ...line, source: answer.source } : line);
              });
            } finally {
              sink.close();
            }
            const failed = answers.filter((answer) => !answer.ok).length;
            process.stderr.write(
              `batch ${name}: ${answers.length - failed} answers, ${failed} failed (state ${handle.state})\n`,
            );
            if (failed > 0)
              throw new CliError(`${failed} request(s) have no answer (their lines carry "error")`);
          });
        },
      ),
    [
      'maxllm batch results nightly -o answers.jsonl',
      'maxllm batch results nightly --wait --poll 1m > answers.jsonl',
    ],
  );

  withExamples(
    batch
      .command('cancel')
      .description('ask the API to cancel every running job of a workspace')
      .argument('<workspace>', 'workspace name or absolute path')
      .action(async (name: string, _options, command: Command) => {
        await withWorkspace(command, name, async (handle) => {
          if (finalStates.has(handle.state)) {
            println(`nothing to cancel: workspace ${name} has ended (state ${handle.state})`);
            return;
          }
          const running = handle.jobs.filter(
            (job) => job.status === undefined || !finalJobStatuses.has(job.status),
          ).length;
          await handle.cancel();
          println(
            handle.state === 'cancelled'
              ? `cancelled workspace ${name} (nothing had been submitted)`
              : `cancel requested for ${running} running job(s) of ${handle.workspace}; \`maxllm batch status ${name}\` shows when they stop`,
          );
        });
      }),
    ['maxllm batch cancel nightly'],
  );

  withExamples(
    batch
      .command('list')
      .description(
        'every workspace under $MAXLLM_HOME/batch, newest first (state as last seen; `status` polls)',
      )
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }, command: Command) => {
        const config = loadCliConfig(globalOptions(command).verbose);
        const workspaces = await listBatchWorkspaces(config.paths.batch);
        if (options.json === true) {
          printJson(workspaces);
          return;
        }
        if (workspaces.length === 0) {
          println(`no batch workspaces in ${config.paths.batch}`);
          return;
        }
        println(
          formatTable(
            ['workspace', 'model', 'state', 'requests', 'jobs', 'created'],
            workspaces.map((workspace) => [
              workspace.name,
              workspace.model,
              workspace.state,
              formatCount(workspace.requests),
              formatCount(workspace.jobs),
              new Date(workspace.createdAt).toISOString().slice(0, 19).replace('T', ' '),
            ]),
          ),
        );
      }),
    ['maxllm batch list', 'maxllm batch list --json'],
  );
}
