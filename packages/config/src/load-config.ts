import { stderrLogger } from '@maxllm/core';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { builtInDefaultConfig, createConfig } from './create-config';
import { discoverConfig } from './discover';
import { ConfigError } from './errors';
import { effectiveEnv } from './find-config';
import { resolveHome } from './home';
import { parseConfig } from './parse-config';
import type { ParseConfigOptions } from './parse-config';
import type { MaxllmConfig } from './types';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions extends ParseConfigOptions {
  /** Config file to read; must exist. Skips discovery. @default discovery (see `loadConfig`) */
  path?: string;
  /** Read a `.env` file (`$MAXLLM_DOTENV_PATH`, else the nearest `.env` upward from `cwd`). @default true */
  dotenv?: boolean;
}

/**
 * Finds, reads and validates the MaxLLM config, synchronously. Order: the `path` option, `$MAXLLM_CONFIG_PATH`,
 * `<cwd>/maxllm.yaml`, `<home>/maxllm.yaml` (home = `$MAXLLM_HOME` or `~/.maxllm`), else the built-in default
 * (one `"*"` model using `$OPENAI_API_KEY` / `$OPENAI_API_BASE`). `.env` variables are added to the environment used
 * for resolution (existing variables win); `process.env` is never modified. Nothing is written to disk.
 * @throws ConfigNotFoundError, ConfigParseError, ConfigSchemaError, MissingEnvVarError (only for `redis_url`).
 */
export function loadConfig(options: LoadConfigOptions = {}): MaxllmConfig {
  const cwd = options.cwd ?? process.cwd();
  const homeDir = options.homeDir ?? homedir();
  const logger = options.logger ?? stderrLogger;
  const env = effectiveEnv({ ...options, logger }, cwd, homeDir);
  const home = resolveHome(env, { homeDir, cwd });
  const found = discoverConfig({ path: options.path, env, cwd, homeDir, home });
  if (!found.exists) {
    logger.info(
      'No maxllm.yaml found; using the built-in default (every model via OPENAI_API_KEY / OPENAI_API_BASE)',
    );
    return createConfig(builtInDefaultConfig, {
      file: undefined,
      locate: () => ({ line: 1, column: 1 }),
      env,
      home,
      logger,
      warnings: [],
    });
  }
  logger.info(`Loading MaxLLM config from ${found.path} (${found.origin})`);
  let text: string;
  try {
    text = readFileSync(found.path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read config file ${found.path}: ${(cause as Error).message}`, { cause });
  }
  return parseConfig(text, found.path, { env, cwd, homeDir, logger });
}
