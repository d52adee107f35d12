import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveHome } from 'maxllm';

/** Where the config file is (or would be), found without parsing it, so a broken file can still be edited. */
export interface ConfigLocation {
  /** The file MaxLLM reads, or where `config edit` creates one. */
  path: string;
  /** Whether the file exists. */
  exists: boolean;
  /** How it was chosen. */
  origin: 'MAXLLM_CONFIG_PATH' | 'cwd' | 'home';
}

/** The discovery order of `loadConfig`: `$MAXLLM_CONFIG_PATH`, `./maxllm.yaml`, `<home>/maxllm.yaml`. */
export function locateConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ConfigLocation {
  const fromEnv = env.MAXLLM_CONFIG_PATH;
  if (fromEnv) {
    const path = fromEnv.startsWith('~/') ? join(homedir(), fromEnv.slice(2)) : resolve(cwd, fromEnv);
    return { path, exists: existsSync(path), origin: 'MAXLLM_CONFIG_PATH' };
  }
  const inCwd = join(cwd, 'maxllm.yaml');
  if (existsSync(inCwd)) return { path: inCwd, exists: true, origin: 'cwd' };
  const inHome = join(resolveHome(env, { cwd }), 'maxllm.yaml');
  return { path: inHome, exists: existsSync(inHome), origin: 'home' };
}
