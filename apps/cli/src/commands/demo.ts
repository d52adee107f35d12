import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createClient } from '@maxllm/client';
import { parseConfig } from '@maxllm/config';
import { formatCallStatus, type CallStatus } from '@maxllm/ledger';
import { createMockServer } from '@maxllm/mock-server';
import { createCliLogger, println } from '../context';
import { globalOptions } from '../global-options';
import { withExamples } from '../help';
import { nonNegative, positiveInteger } from '../numbers';
import { parseDuration } from '../duration';
import { createTerminalProgress } from '../progress';
import { demoPrompts } from '../prompts';
import { formatUsd } from '../table';

interface DemoOptions {
  prompts: number;
  model: string;
  rpm: number;
  tpm: number;
  window: string;
  latency: number;
  concurrency: number;
  keep?: boolean;
}

/** `path` as one shell word: printed commands must run as printed, even for a home with spaces in it. */
function shellWord(path: string): string {
  return /^[\w./:@%+=,-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

function totals(status: CallStatus): {
  calls: number;
  hits: number;
  misses: number;
  errors: number;
  costUsd: number;
  savedUsd: number;
} {
  const sum = { calls: 0, hits: 0, misses: 0, errors: 0, costUsd: 0, savedUsd: 0 };
  for (const model of Object.values(status)) {
    sum.calls += model.totalCalls;
    sum.hits += model.cacheHits;
    sum.misses += model.cacheMisses;
    sum.errors += model.errors;
    sum.costUsd += model.costUsd;
    sum.savedUsd += model.savedUsd;
  }
  return sum;
}

/** The demo's placeholder key: the mock server accepts any key. */
const MOCK_API_KEY = 'mock-demo-key';

function demoConfig(url: string, options: DemoOptions): string {
  return `# The demo's in-memory config: every model goes to the local mock server;
# "responses/<model>" is the same model called through the Responses API.
model_list:
  - model_name: "responses/*"
    litellm_params:
      model: "*"
      api: responses
      api_base: ${url}
      api_key: ${MOCK_API_KEY}
      rpm: ${options.rpm}
      tpm: ${options.tpm}
  - model_name: "*"
    litellm_params:
      model: "*"
      api_base: ${url}
      api_key: ${MOCK_API_KEY}
      rpm: ${options.rpm}
      tpm: ${options.tpm}
`;
}

/** `maxllm demo`: the whole job against an in-process mock server, no API key or config file needed. */
export function registerDemoCommand(program: Command): void {
  withExamples(
    program
      .command('demo')
      .description(
        'run a few hundred prompts through batchComplete against a local mock server with real rate limits, then again from the cache, then through the Responses API; no API key or config needed (writes only to a temp home unless --home is given)',
      )
      .option('-n, --prompts <n>', 'number of prompts', positiveInteger('--prompts'), 300)
      .option('-m, --model <model>', 'model name sent to the mock server', 'gpt-4o-mini')
      .option(
        '--rpm <n>',
        'requests per window, enforced by the mock server and respected by MaxLLM',
        nonNegative('--rpm'),
        200,
      )
      .option(
        '--tpm <n>',
        'tokens per window, enforced by the mock server and respected by MaxLLM',
        nonNegative('--tpm'),
        60_000,
      )
      .option(
        '--window <duration>',
        'length of the rate-limit window: --rpm/--tpm are per window (10s keeps the demo short; 1m is the real thing)',
        '10s',
      )
      .option('--latency <ms>', 'mean latency of the mock server', nonNegative('--latency'), 150)
      .option('--concurrency <n>', 'requests in flight at once', positiveInteger('--concurrency'), 50)
      .option(
        '--keep',
        'keep the temp home (ledger and cache) after the demo; a --home you give is always kept',
      )
      .action(async (options: DemoOptions, command: Command) => {
        const global = globalOptions(command);
        const temporary = global.home === undefined && options.keep !== true;
        const home =
          global.home === undefined ? mkdtempSync(resolve(tmpdir(), 'maxllm-demo-')) : resolve(global.home);
        // The temp home goes at exit, whichever way the demo ends (an error, or a process.exit on Ctrl-C).
        const removeHome = (): void => {
          if (temporary) rmSync(home, { recursive: true, force: true });
        };
        process.once('exit', removeHome);
        const logger = createCliLogger(global.verbose);
        const windowMs = parseDuration(options.window, '--window');
        const server = await createMockServer({
          limits: { rpm: options.rpm, tpm: options.tpm },
          windowMs,
          latency: { meanMs: options.latency, jitterMs: Math.round(options.latency / 2) },
          output: { meanTokens: 40, spread: 0.5 },
          seed: 7,
        });
        const config = parseConfig(demoConfig(server.url, options), 'maxllm demo (in-memory config)', {
          env: { MAXLLM_HOME: home },
          logger,
        });
        const client = createClient({ config, logger, recache: false, rateWindowMs: windowMs });
        try {
          println(
            `MaxLLM demo: ${options.prompts} prompts to ${options.model} on a local mock server (${server.url})`,
          );
          println(
            `limits: ${options.rpm} requests and ${options.tpm} tokens per ${options.window} window, enforced by the server with 429s; MaxLLM paces itself to them`,
          );
          println(`home:   ${home}${temporary ? ' (temporary: removed at exit; --keep keeps it)' : ''}`);
          println('');
          const prompts = demoPrompts(options.prompts);
          const rounds: Array<{ seconds: number; status: CallStatus; first: unknown }> = [];
          const plan = [
            { description: 'round 1: API', model: options.model },
            { description: 'round 2: cache', model: options.model },
            { description: 'round 3: Responses API', model: `responses/${options.model}` },
          ];
          for (const [round, { description, model }] of plan.entries()) {
            const before = client.getCallStatus();
            const started = performance.now();
            const results = await client.batchComplete(prompts, {
              model,
              concurrency: options.concurrency,
              desc: description,
              progress: createTerminalProgress(),
            });
            const seconds = (performance.now() - started) / 1000;
            rounds.push({
              seconds,
              status: client.diffCallStatus(client.getCallStatus(), before),
              first: results[0],
            });
            const sum = totals(rounds[round]!.status);
            println(
              `${description}: ${sum.calls} calls in ${seconds.toFixed(2)} s (${Math.round(sum.calls / Math.max(seconds, 1e-3))}/s), ${sum.hits} from the cache, ${sum.errors} errors, ${formatUsd(sum.costUsd)} spent`,
            );
          }
          const stats = server.stats();
          const overall = totals(client.getCallStatus());
          println('');
          const first = JSON.stringify(rounds[0]?.first) ?? '';
          println(`first answer: ${first.length > 100 ? `${first.slice(0, 97)}...` : first}`);
          println(`mock server saw ${stats.requests} requests and sent ${stats.rateLimited} 429s`);
          println(`cache saved ${formatUsd(overall.savedUsd)} in round 2`);
          println(
            `round 3 went to /v1/responses (${stats.byEndpoint['POST /v1/responses'] ?? 0} requests): the same prompts, cached apart from the chat answers`,
          );
          println('');
          println('call status:');
          println(formatCallStatus(client.getCallStatus()));
          println('');
          println(`ledger: ${config.paths.ledger}`);
          println(`cache:  ${config.paths.cache}`);
          println('');
          println('next:');
          if (temporary) {
            println(
              `  npx maxllm demo --keep                   # again, keeping the ledger and cache to look at`,
            );
            println(`  npx maxllm --home ./demo-home demo       # again, in a directory you choose (kept)`);
          } else {
            println(`  npx maxllm --home ${shellWord(home)} usage          # the ledger, per model`);
            println(`  npx maxllm --home ${shellWord(home)} cache stats    # what is cached`);
          }
          println(`  npx maxllm mock                          # this mock server, standalone`);
        } finally {
          await client.close();
          await server.close();
          removeHome();
          process.removeListener('exit', removeHome);
          if (temporary) println(`removed ${home}`);
        }
      }),
    [
      'maxllm demo',
      'maxllm demo --keep',
      'maxllm demo -n 1000 --rpm 500 --tpm 200000 --window 1m --latency 50',
      'maxllm --home ./demo-home demo',
    ],
  );
}
