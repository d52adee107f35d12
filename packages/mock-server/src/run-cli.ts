import { parseArgs } from 'node:util';
import { MockServerOptionsError } from './errors';
import type { MockServer, MockServerOptions } from './options';
import { createMockServer } from './server';

const USAGE = `Usage: maxllm-mock-server [options]

Starts an OpenAI-compatible mock server and prints its base URL (with /v1) on stdout.

  --port <n>          port to listen on (default 0: a free port)
  --host <host>       interface (default 127.0.0.1)
  --rpm <n>           requests per minute per model (default unlimited)
  --tpm <n>           tokens per minute per model (default unlimited)
  --latency <ms>      mean latency (default 0)
  --error-rate <0..1> share of requests answered with 500/502/503 (default 0)
  --seed <n>          seed of every pseudo-random choice (default 0)
  --api-key <key>     require this bearer key (default: none)
  -h, --help          show this help`;

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new MockServerOptionsError(`--${name} expects a non-negative number, got '${value}'.`);
  }
  return parsed;
}

/** The server options an argv asks for (without `node` and the script), or `'help'`. */
export function parseMockServerArgs(argv: string[]): MockServerOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        rpm: { type: 'string' },
        tpm: { type: 'string' },
        latency: { type: 'string' },
        'error-rate': { type: 'string' },
        seed: { type: 'string' },
        'api-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new MockServerOptionsError(`${(error as Error).message}\n\n${USAGE}`, { cause: error });
  }
  if (values.help) return 'help';
  const rpm = number('rpm', values.rpm);
  const tpm = number('tpm', values.tpm);
  const latency = number('latency', values.latency);
  const errorRate = number('error-rate', values['error-rate']);
  if (errorRate !== undefined && errorRate > 1)
    throw new MockServerOptionsError('--error-rate must be between 0 and 1.');
  return {
    port: number('port', values.port) ?? 0,
    host: values.host ?? '127.0.0.1',
    ...(rpm !== undefined || tpm !== undefined ? { limits: { rpm, tpm } } : {}),
    ...(latency !== undefined ? { latency: { meanMs: latency } } : {}),
    ...(errorRate !== undefined ? { faults: { errorRate } } : {}),
    ...(values.seed !== undefined ? { seed: number('seed', values.seed) } : {}),
    ...(values['api-key'] !== undefined ? { apiKey: values['api-key'] } : {}),
  };
}

/**
 * Runs the mock server from command-line arguments: prints the base URL on `stdout` and resolves with the
 * running server (`undefined` after `--help`). The caller decides when to `close()` it.
 * @throws MockServerOptionsError for unknown flags or invalid values
 */
export async function runMockServerCli(
  argv: string[],
  io: { stdout?: (line: string) => void } = {},
): Promise<MockServer | undefined> {
  const print = io.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
  const options = parseMockServerArgs(argv);
  if (options === 'help') {
    print(USAGE);
    return undefined;
  }
  const server = await createMockServer(options);
  print(server.url);
  return server;
}
