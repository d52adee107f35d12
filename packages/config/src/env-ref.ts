import { MissingEnvVarError } from './errors';
import type { Env } from './home';

const prefix = 'os.environ/';

/** Where a reference sits, for the error message. */
export interface EnvRefContext {
  /** Environment to read. */
  env: Env;
  /** Config file, for the message. */
  file: string | undefined;
  /** Key path of the value, e.g. `model_list[3].litellm_params.api_key`. */
  keyPath: string;
  /** Model being resolved, for the message. */
  model?: string;
}

/**
 * Resolves a LiteLLM-style `os.environ/VAR` value to the variable's value; other strings are returned as they are.
 * An unset or empty variable throws {@link MissingEnvVarError}.
 */
export function resolveEnvRef(value: string, context: EnvRefContext): string {
  if (!value.startsWith(prefix)) return value;
  const variable = value.slice(prefix.length).trim();
  const resolved = context.env[variable];
  if (!resolved) {
    throw new MissingEnvVarError(variable, {
      keyPath: context.keyPath,
      file: context.file,
      ...(context.model === undefined ? {} : { model: context.model }),
    });
  }
  return resolved;
}
