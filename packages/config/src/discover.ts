import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigNotFoundError } from './errors.js';
import type { Env } from './home.js';
import { expandPath } from './home.js';

/** Where a config file was found. */
export interface DiscoveredConfig {
  /** Absolute path of the file, or `undefined` when none exists (use the built-in default). */
  path: string | undefined;
  /** How it was found, for logs. */
  origin: 'option' | 'MAXLLM_CONFIG_PATH' | 'cwd' | 'home' | 'default';
}

/**
 * Finds the config file: the `path` option, `$MAXLLM_CONFIG_PATH` (both must exist), `<cwd>/maxllm.yaml`,
 * `<home>/maxllm.yaml` (home = `$MAXLLM_HOME` or `~/.maxllm`), else none.
 */
export function discoverConfig(context: {
  path: string | undefined;
  env: Env;
  cwd: string;
  homeDir: string;
  home: string;
}): DiscoveredConfig {
  if (context.path !== undefined) {
    const path = expandPath(context.path, context.homeDir, context.cwd);
    if (!existsSync(path)) throw new ConfigNotFoundError(path, 'The path option');
    return { path, origin: 'option' };
  }
  const fromEnv = context.env.MAXLLM_CONFIG_PATH;
  if (fromEnv) {
    const path = expandPath(fromEnv, context.homeDir, context.cwd);
    if (!existsSync(path)) throw new ConfigNotFoundError(path, 'MAXLLM_CONFIG_PATH');
    return { path, origin: 'MAXLLM_CONFIG_PATH' };
  }
  const inCwd = join(context.cwd, 'maxllm.yaml');
  if (existsSync(inCwd)) return { path: inCwd, origin: 'cwd' };
  const inHome = join(context.home, 'maxllm.yaml');
  if (existsSync(inHome)) return { path: inHome, origin: 'home' };
  return { path: undefined, origin: 'default' };
}
