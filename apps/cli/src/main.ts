import { setMaxListeners } from 'node:events';
import { CommanderError } from 'commander';
import { flushRepeats } from './context';
import { ExitCode } from './errors';
import { formatError } from './format-error';
import { createProgram } from './program';

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** Runs the CLI with `argv` (as `process.argv`) and returns the exit code. Never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    await program.parseAsync(argv);
    flushRepeats();
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    flushRepeats();
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help / version text).
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const formatted = formatError(error);
    process.stderr.write(`maxllm: error: ${formatted.message}\n`);
    if (verbose) process.stderr.write(`${formatted.details}\n`);
    else if (!formatted.expected) process.stderr.write('(run with --verbose for the stack trace)\n');
    return formatted.exitCode;
  }
}

/** Entry point: runs `main` and exits once stdout and stderr are flushed (open sockets or timers cannot hang it). */
export async function run(): Promise<void> {
  // Hundreds of requests in flight each listen on the run's AbortSignal: that is expected, not a leak.
  setMaxListeners(1000);
  // `maxllm run big.jsonl | head`: the reader went away, which is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
    throw error;
  });
  const code = await main(process.argv);
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
}
