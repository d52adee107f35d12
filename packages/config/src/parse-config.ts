import { type Logger, stderrLogger } from '@maxllm/core';
import { homedir } from 'node:os';
import { createConfig } from './create-config';
import type { Env } from './home';
import { resolveHome } from './home';
import type { MaxllmConfig } from './types';
import { readYaml } from './yaml-source';

/** Options shared by {@link parseConfig} and `loadConfig`. */
export interface ParseConfigOptions {
  /** Environment for `os.environ/` references, `OPENAI_API_KEY`, `MAXLLM_HOME`, ... @default process.env */
  env?: Record<string, string | undefined>;
  /** Folder that relative paths (`MAXLLM_HOME`, ...) are resolved against. @default process.cwd() */
  cwd?: string;
  /** The user's home folder (for `~` and the default home `~/.maxllm`). @default os.homedir() */
  homeDir?: string;
  /** Receives warnings (unknown keys) and debug lines (resolved models). Never receives a key. @default stderrLogger */
  logger?: Logger;
}

/**
 * Builds a config from YAML text, exactly as `loadConfig` does from a file (no discovery, no `.env`).
 * `source` names the text in messages and becomes `config.source`.
 * @throws ConfigParseError for invalid YAML, ConfigSchemaError for a file that breaks the schema (or is empty).
 */
export function parseConfig(text: string, source: string, options: ParseConfigOptions = {}): MaxllmConfig {
  const env: Env = options.env ?? process.env;
  const homeDir = options.homeDir ?? homedir();
  const yaml = readYaml(text, source);
  return createConfig(yaml.data, {
    file: source,
    locate: yaml.locate,
    anchored: yaml.anchored,
    env,
    home: resolveHome(env, { homeDir, cwd: options.cwd ?? process.cwd() }),
    logger: options.logger ?? stderrLogger,
    warnings: yaml.warnings,
  });
}
