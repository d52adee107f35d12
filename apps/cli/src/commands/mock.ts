import type { Command } from 'commander';
import { createMockServer, type MockServerOptions } from '@maxllm/mock-server';
import { println } from '../context';
import { withExamples } from '../help';
import { fraction, nonNegative, port, positiveInteger } from '../numbers';

interface MockOptions {
  port: number;
  host: string;
  rpm?: number;
  tpm?: number;
  latency?: number;
  jitter?: number;
  errorRate?: number;
  outputTokens?: number;
  seed?: number;
  apiKey?: string;
}

/** Resolves when the process receives SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** `maxllm mock`: the OpenAI-compatible mock server from `@maxllm/mock-server`, in the foreground. */
export function registerMockCommand(program: Command): void {
  withExamples(
    program
      .command('mock')
      .description(
        'run an OpenAI-compatible mock server (chat, embeddings, completions, files, batches) with real rate limits; prints its base URL',
      )
      .option('--port <n>', 'port (0 = a free one)', port('--port'), 0)
      .option('--host <host>', 'interface to listen on', '127.0.0.1')
      .option('--rpm <n>', 'requests per minute per model (default: unlimited)', nonNegative('--rpm'))
      .option('--tpm <n>', 'tokens per minute per model (default: unlimited)', nonNegative('--tpm'))
      .option('--latency <ms>', 'mean response latency in ms', nonNegative('--latency'))
      .option('--jitter <ms>', 'latency varies uniformly by ± this many ms', nonNegative('--jitter'))
      .option(
        '--error-rate <share>',
        'share of requests answered 500/502/503 (0..1)',
        fraction('--error-rate'),
      )
      .option('--output-tokens <n>', 'mean completion length in tokens', positiveInteger('--output-tokens'))
      .option('--seed <n>', 'seed of every pseudo-random choice', nonNegative('--seed'))
      .option('--api-key <key>', 'require this bearer key (default: any key is accepted)')
      .action(async (options: MockOptions) => {
        const serverOptions: MockServerOptions = {
          port: options.port,
          host: options.host,
          ...(options.rpm !== undefined || options.tpm !== undefined
            ? {
                limits: {
                  ...(options.rpm !== undefined ? { rpm: options.rpm } : {}),
                  ...(options.tpm !== undefined ? { tpm: options.tpm } : {}),
                },
              }
            : {}),
          ...(options.latency !== undefined || options.jitter !== undefined
            ? { latency: { meanMs: options.latency ?? 0, jitterMs: options.jitter ?? 0 } }
            : {}),
          ...(options.errorRate !== undefined ? { faults: { errorRate: options.errorRate } } : {}),
          ...(options.outputTokens !== undefined ? { output: { meanTokens: options.outputTokens } } : {}),
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
        };
        const server = await createMockServer(serverOptions);
        println(server.url);
        process.stderr.write(
          `maxllm mock: listening on ${server.url} (rpm ${options.rpm ?? 'unlimited'}, tpm ${options.tpm ?? 'unlimited'}); Ctrl-C to stop\n` +
            // With --api-key the server accepts only that key: suggest it (by name: a key is never printed).
            `  try: OPENAI_API_BASE=${server.url} OPENAI_API_KEY=${options.apiKey === undefined ? 'any-key' : '<the --api-key value>'} maxllm chat "hello"\n`,
        );
        await untilSignal();
        const stats = server.stats();
        await server.close();
        process.stderr.write(
          `maxllm mock: stopped after ${stats.requests} requests (${stats.rateLimited} answered 429)\n`,
        );
      }),
    [
      'maxllm mock --port 8787',
      'maxllm mock --rpm 60 --tpm 40000 --latency 300 --error-rate 0.02',
      '# in another shell:',
      'OPENAI_API_BASE=http://127.0.0.1:8787/v1 OPENAI_API_KEY=sk-mock maxllm chat "hi"',
    ],
  );
}
