import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from './errors';

/** Options accepted by every command. */
export interface GlobalOptions {
  /** Print stacks and debug logs. @default false */
  verbose: boolean;
  /** Config file; sets `MAXLLM_CONFIG_PATH` for this run. */
  config?: string;
  /** Folder for cache, logs and batch workspaces; sets `MAXLLM_HOME` for this run. */
  home?: string;
}

/** Reads the global options from any (sub)command. */
export function globalOptions(command: Command): GlobalOptions {
  const options = command.optsWithGlobals<Partial<GlobalOptions>>();
  return { verbose: options.verbose === true, config: options.config, home: options.home };
}

/** Declares `--verbose`, `--config` and `--home`, and exports the last two as environment variables before a command runs. */
export function addGlobalOptions(program: Command, env: NodeJS.ProcessEnv): Command {
  return program
    .option('-v, --verbose', 'print stack traces and debug logs', false)
    .option(
      '-c, --config <file>',
      'config file to use (default: $MAXLLM_CONFIG_PATH, ./maxllm.yaml, ~/.maxllm/maxllm.yaml)',
    )
    .option(
      '--home <dir>',
      'where MaxLLM keeps its cache, ledger and batch workspaces (default: $MAXLLM_HOME or ~/.maxllm)',
    )
    .hook('preAction', (_program, action) => {
      const options = globalOptions(action);
      if (options.config !== undefined) {
        const path = resolve(options.config);
        if (!existsSync(path)) throw new UsageError(`--config: ${path} does not exist`);
        env.MAXLLM_CONFIG_PATH = path;
      }
      if (options.home !== undefined) env.MAXLLM_HOME = resolve(options.home);
    });
}
