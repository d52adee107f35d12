import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigNotFoundError } from './errors';
import type { Env } from './home';
import { expandPath } from './home';

/** Where the config file is, or would be, found without reading it (so a broken file can still be edited). */
export interface ConfigLocation {
  /** Absolute path of the file MaxLLM reads; when none exists, `<home>/maxllm.yaml` (where one would be created). */
  path: string;
  /** Whether `path` exists. When `false` and `origin` is `home`, `loadConfig` uses the built-in default. */
  exists: boolean;
  /** How it was chosen. */
  origin: 'option' | 'MAXLLM_CONFIG_PATH' | 'cwd' | 'home';
}

/** Inputs of {@link locateConfigFile}. */
export interface LocateContext {
  /** Explicit path (the `path` option); skips discovery. */
  path: string | undefined;
  /** Environment (with `.env` applied). */
  env: Env;
  /** Base of relative paths and where `./maxllm.yaml` is looked for. */
  cwd: string;
  /** The user's home folder, for `~`. */
  homeDir: string;
  /** MaxLLM home (`$MAXLLM_HOME` or `~/.maxllm`). */
  home: string;
}

/**
 * Discovery order: the `path` option, `$MAXLLM_CONFIG_PATH`, `<cwd>/maxllm.yaml`, `<home>/maxllm.yaml`
 * (home = `$MAXLLM_HOME` or `~/.maxllm`). Never throws.
 */
export function locateConfigFile(context: LocateContext): ConfigLocation {
  const explicit =
    context.path !== undefined
      ? { value: context.path, origin: 'option' as const }
      : context.env.MAXLLM_CONFIG_PATH
        ? { value: context.env.MAXLLM_CONFIG_PATH, origin: 'MAXLLM_CONFIG_PATH' as const }
        : undefined;
  if (explicit) {
    const path = expandPath(explicit.value, context.homeDir, context.cwd);
    return { path, exists: existsSync(path), origin: explicit.origin };
  }
  const inCwd = join(context.cwd, 'maxllm.yaml');
  if (existsSync(inCwd)) return { path: inCwd, exists: true, origin: 'cwd' };
  const inHome = join(context.home, 'maxllm.yaml');
  return { path: inHome, exists: existsSync(inHome), origin: 'home' };
}

/** {@link locateConfigFile}, but an explicit path that does not exist throws {@link ConfigNotFoundError}. */
export function discoverConfig(context: LocateContext): ConfigLocation {
  const location = locateConfigFile(context);
  if (!location.exists && location.origin !== 'home') {
    throw new ConfigNotFoundError(
      location.path,
      location.origin === 'option' ? 'The path option' : location.origin,
    );
  }
  return location;
}
