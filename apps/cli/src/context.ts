import { loadConfig, type Logger, type MaxllmConfig } from '@maxllm/config';
import { redactSecrets } from './redact';
import { createRepeatFilter } from './repeats';
import { stderrStatus } from './status-line';

/** Warnings of every logger of the process: a flood prints a few copies, then one count (see {@link flushRepeats}). */
const repeats = createRepeatFilter();

/** Prints `N more like: ...` for each warning that was repeated more than a few times. Call once a command ends. */
export function flushRepeats(): void {
  for (const { level, line } of repeats.drain())
    stderrStatus.print(`maxllm: ${level}: ${redactSecrets(line)}`);
}

/**
 * A logger for the terminal: warnings and errors on stderr (above the progress bar, never inside it), debug and info
 * only with `--verbose`. A message repeated more than a few times (numbers aside) is counted instead of printed, and
 * {@link flushRepeats} prints the count.
 */
export function createCliLogger(verbose: boolean, stream?: NodeJS.WritableStream): Logger {
  const write = (level: string, message: string): void => {
    if (!repeats.admit(level, message)) return;
    const line = `maxllm: ${level}: ${redactSecrets(message)}\n`;
    if (stream === undefined) stderrStatus.print(line);
    else stream.write(line);
  };
  return {
    debug: (message) => verbose && write('debug', message),
    info: (message) => verbose && write('info', message),
    warn: (message) => write('warning', message),
    error: (message) => write('error', message),
  };
}

/** Loads the config the way every command sees it: `--config`/`MAXLLM_CONFIG_PATH`, discovery, `.env`. */
export function loadCliConfig(verbose: boolean): MaxllmConfig {
  return loadConfig({ logger: createCliLogger(verbose) });
}

/** Writes one line to stdout. */
export function println(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Writes pretty JSON to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
