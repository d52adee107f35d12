import { MaxllmError } from '@maxllm/core';

/** Exit codes of the `maxllm` command. */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** The command ran and failed (an API error, a failed request, a corrupt cache...). */
  failure: 1,
  /** Bad arguments or options: nothing was done. */
  usage: 2,
  /** The configuration file is missing, invalid, or names something that cannot be resolved. */
  config: 3,
  /** Interrupted by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

/** Base class of every error the CLI raises itself; carries the process exit code. */
export class CliError extends MaxllmError {
  static override readonly brand: string = 'maxllm.cli.CliError';

  /** The exit code the process ends with. @default ExitCode.failure */
  readonly exitCode: number;

  constructor(message: string, options?: ErrorOptions & { exitCode?: number }) {
    super(message, options);
    this.exitCode = options?.exitCode ?? ExitCode.failure;
  }
}

/** Bad arguments or options (exit code 2). */
export class UsageError extends CliError {
  static override readonly brand: string = 'maxllm.cli.UsageError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, { ...options, exitCode: ExitCode.usage });
  }
}

/** A problem in an input file (a JSONL line, a JSON Schema file) that stops the command (exit code 1). */
export class InputError extends CliError {
  static override readonly brand: string = 'maxllm.cli.InputError';
}
