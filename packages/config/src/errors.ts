import { MaxllmError } from '@maxllm/core';

/**
 * Base class of every error thrown by `@maxllm/config`. `ConfigError.isInstance(e)` is true for these errors only (each
 * subclass's `isInstance` for that subclass only), across duplicated installs; `MaxllmError.isInstance(e)` for any.
 */
export class ConfigError extends MaxllmError {
  static override readonly brand: string = 'maxllm.config.ConfigError';
}

/** An explicitly requested config file (`MAXLLM_CONFIG_PATH` or the `path` option) does not exist. */
export class ConfigNotFoundError extends ConfigError {
  static override readonly brand: string = 'maxllm.config.ConfigNotFoundError';

  /** The absolute path that was looked for. */
  readonly path: string;

  constructor(path: string, origin: string) {
    super(`${origin} points to ${path}, which does not exist`);
    this.path = path;
  }
}

/** A position in a config file. */
export interface SourcePosition {
  /** File path (or the `source` given to `parseConfig`). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** The config file is not valid YAML. */
export class ConfigParseError extends ConfigError {
  static override readonly brand: string = 'maxllm.config.ConfigParseError';

  /** File path (or the `source` given to `parseConfig`). */
  readonly file: string;
  /** 1-based line of the problem. */
  readonly line: number;
  /** 1-based column of the problem. */
  readonly column: number;

  constructor(position: SourcePosition, detail: string, options?: { cause?: unknown }) {
    super(`Invalid YAML in ${position.file}:${position.line}:${position.column}: ${detail}`, options);
    this.file = position.file;
    this.line = position.line;
    this.column = position.column;
  }
}

/** One schema problem: where and what. */
export interface ConfigIssue extends SourcePosition {
  /** Key path such as `model_list[3].litellm_params.rpm` (empty for the whole document). */
  keyPath: string;
  /** What is wrong, never the offending value (it could be a key). */
  message: string;
}

/**
 * The YAML is valid but does not match the MaxLLM schema (wrong type, missing key, bad wildcard, bad Redis URL).
 * The message names every problem, one per line after the first when there are several.
 */
export class ConfigSchemaError extends ConfigError {
  static override readonly brand: string = 'maxllm.config.ConfigSchemaError';

  /** File path (or the `source` given to `parseConfig`). */
  readonly file: string;
  /** Key path of the first problem, e.g. `model_list[3].litellm_params.rpm`. */
  readonly keyPath: string;
  /** 1-based line of the first problem. */
  readonly line: number;
  /** 1-based column of the first problem. */
  readonly column: number;
  /** Every problem found, first one first. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly [ConfigIssue, ...ConfigIssue[]]) {
    const [first] = issues;
    const line = (issue: ConfigIssue) =>
      `${issue.file}:${issue.line}:${issue.column}${issue.keyPath ? ` at ${issue.keyPath}` : ''}: ${issue.message}`;
    super(
      issues.length === 1
        ? `Invalid config ${line(first)}`
        : `Invalid config ${first.file}: ${issues.length} problems\n${issues.map(line).join('\n')}`,
    );
    this.file = first.file;
    this.keyPath = first.keyPath;
    this.line = first.line;
    this.column = first.column;
    this.issues = issues;
  }
}

/** An `os.environ/VAR` reference names a variable that is unset or empty. Thrown when the model is first resolved. */
export class MissingEnvVarError extends ConfigError {
  static override readonly brand: string = 'maxllm.config.MissingEnvVarError';

  /** The environment variable that is missing. */
  readonly variable: string;
  /** The model name that was being resolved (or `undefined` for a top-level setting). */
  readonly model: string | undefined;
  /** Key path of the reference, e.g. `model_list[7].litellm_params.api_key`. */
  readonly keyPath: string;
  /** Config file that holds the reference (`undefined` for the built-in default). */
  readonly file: string | undefined;

  constructor(variable: string, where: { model?: string; keyPath: string; file: string | undefined }) {
    const neededBy = where.model === undefined ? '' : `model '${where.model}', `;
    super(
      `Environment variable ${variable} is not set (needed by ${neededBy}${where.keyPath} in ${where.file ?? 'the built-in default config'})`,
    );
    this.variable = variable;
    this.model = where.model;
    this.keyPath = where.keyPath;
    this.file = where.file;
  }
}

/** No `model_list` pattern matches the requested model name. */
export class ModelNotFoundError extends ConfigError {
  static override readonly brand: string = 'maxllm.config.ModelNotFoundError';

  /** The model name that was asked for. */
  readonly model: string;
  /** Config file searched (`undefined` for the built-in default). */
  readonly file: string | undefined;

  constructor(model: string, file: string | undefined, patterns: readonly string[]) {
    const shown =
      patterns.slice(0, 10).join(', ') + (patterns.length > 10 ? `, ... (${patterns.length} in all)` : '');
    super(
      `No model_list entry in ${file ?? 'the built-in default config'} matches '${model}' (patterns: ${shown || 'none'}; add a "*" entry to catch every name)`,
    );
    this.model = model;
    this.file = file;
  }
}

/** `MAXLLM_REDIS_URL` (or the variable `rate_limit.redis_url` refers to) is not a Redis URL. Thrown at load. */
export class InvalidRedisUrlError extends ConfigError {
  static override readonly brand: string = 'maxllm.config.InvalidRedisUrlError';

  /** Where the URL came from: `MAXLLM_REDIS_URL`, or `rate_limit.redis_url (os.environ/VAR)`. */
  readonly setting: string;

  constructor(setting: string, problem: string) {
    super(`${setting} ${problem}`);
    this.setting = setting;
  }
}
