import { stderrLogger } from '@maxllm/core';
import { homedir } from 'node:os';
import type { ConfigLocation } from './discover';
import { locateConfigFile } from './discover';
import { withDotenv } from './dotenv';
import type { Env } from './home';
import { resolveHome } from './home';
import type { LoadConfigOptions } from './load-config';

/** The environment `loadConfig` works with: `env` (default `process.env`) plus `.env` unless `dotenv: false`. */
export function effectiveEnv(options: LoadConfigOptions, cwd: string, homeDir: string): Env {
  const baseEnv = options.env ?? process.env;
  if (options.dotenv === false) return baseEnv;
  return withDotenv(baseEnv, { cwd, homeDir, logger: options.logger ?? stderrLogger });
}

/**
 * Where `loadConfig(options)` would read its file, without reading or validating it (for `maxllm config path|edit`).
 * Applies `.env` the same way. Never throws for a missing file: check `exists`.
 */
export function findConfig(options: LoadConfigOptions = {}): ConfigLocation {
  const cwd = options.cwd ?? process.cwd();
  const homeDir = options.homeDir ?? homedir();
  const env = effectiveEnv(options, cwd, homeDir);
  return locateConfigFile({
    path: options.path,
    env,
    cwd,
    homeDir,
    home: resolveHome(env, { homeDir, cwd }),
  });
}
