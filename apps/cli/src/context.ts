import { loadConfig, type Logger, type MaxllmConfig } from '@maxllm/config';
import { redactSecrets } from './redact.js';

/** A logger for the terminal: warnings and errors on stderr, debug and info only with `--verbose`. */
export function createCliLogger(verbose: boolean, stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string, message: string): void => {
    stream.write(`maxllm: ${level}: ${redactSecrets(message)}\n`);
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
