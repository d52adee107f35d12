import { inspect } from 'node:util';
import { BatchWorkspaceError } from '@maxllm/batch';
import { ConfigError } from '@maxllm/config';
import { CliError, ExitCode } from './errors';
import { redactSecrets } from './redact';

/** What the CLI prints for a failure and the code it exits with. */
export interface FormattedError {
  /** One line (without the `maxllm: ` prefix) for the user. */
  message: string;
  /** Stack and causes, for `--verbose`. */
  details: string;
  /** The process exit code. */
  exitCode: number;
  /** False for a failure nobody planned for (a bug or an unexpected SDK error): the stack may help. */
  expected: boolean;
}

function errorName(error: Error): string {
  return error.name === 'Error' ? error.constructor.name : error.name;
}

/** A `@maxllm/config` error (bad file, unknown model, missing variable): "fix your configuration", exit code 3. */
function isConfigError(error: unknown): boolean {
  return ConfigError.isInstance(error);
}

function httpStatus(error: Error): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

function chain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    if (current instanceof Error) {
      parts.push(
        depth === 0 ? (current.stack ?? String(current)) : `Caused by: ${current.stack ?? String(current)}`,
      );
      current = current.cause;
    } else {
      parts.push(`${depth === 0 ? '' : 'Caused by: '}${inspect(current)}`);
      current = undefined;
    }
  }
  return parts.join('\n');
}

/** The first configuration error in `error`'s cause chain (the client wraps them when a model cannot be resolved). */
function configCause(error: Error): Error | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (isConfigError(current)) return current;
    current = current.cause;
  }
  return undefined;
}

/** Turns anything thrown by a command into a one-line message, verbose details and an exit code. */
export function formatError(thrown: unknown): FormattedError {
  const error =
    thrown instanceof Error && !CliError.isInstance(thrown) ? (configCause(thrown) ?? thrown) : thrown;
  if (!(error instanceof Error)) {
    return {
      message: redactSecrets(inspect(error)),
      details: '',
      exitCode: ExitCode.failure,
      expected: false,
    };
  }
  const firstLine = error.message.trim().split('\n')[0] ?? '';
  const rest = error.message.trim().split('\n').slice(1).join('\n');
  let exitCode: number = ExitCode.failure;
  let prefix = '';
  let expected = true;
  if (CliError.isInstance(error)) {
    exitCode = error.exitCode;
  } else if (isConfigError(error)) {
    exitCode = ExitCode.config;
  } else if (error.name === 'AbortError') {
    exitCode = ExitCode.interrupted;
  } else if (BatchWorkspaceError.isInstance(error) || error.name === 'BatchWorkspaceError') {
    // The workspace named on the command line is unusable (bad name, another model, corrupt): nothing was done.
    exitCode = ExitCode.usage;
    prefix = `${errorName(error)}: `;
  } else {
    expected =
      (error as unknown as Record<symbol, unknown>)[Symbol.for('maxllm.error')] === true ||
      httpStatus(error) !== undefined;
    const status = httpStatus(error);
    prefix = status === undefined ? `${errorName(error)}: ` : `${errorName(error)} (HTTP ${status}): `;
  }
  const message = redactSecrets(
    `${prefix}${firstLine}${rest ? ` (${rest.replace(/\s*\n\s*/g, '; ')})` : ''}`,
  );
  return { message, details: redactSecrets(chain(thrown)), exitCode, expected };
}
