import type { Logger } from '@maxllm/core';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseEnv } from 'node:util';
import type { Env } from './home';
import { expandPath } from './home';

/** Nearest `.env` file in `cwd` or one of its parents, or `undefined`. */
export function findDotenv(cwd: string): string | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const candidate = join(dir, '.env');
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Returns `env` plus the variables of the `.env` file (`$MAXLLM_DOTENV_PATH`, else the nearest `.env` upward from
 * `cwd`). Variables already set in `env` win. Nothing is written to `process.env`; values are never logged.
 */
export function withDotenv(env: Env, context: { cwd: string; homeDir: string; logger: Logger }): Env {
  const explicit = env.MAXLLM_DOTENV_PATH;
  const path = explicit ? expandPath(explicit, context.homeDir, context.cwd) : findDotenv(context.cwd);
  if (path === undefined) {
    context.logger.debug('No .env file found');
    return env;
  }
  if (!existsSync(path)) {
    context.logger.warn(`MAXLLM_DOTENV_PATH points to ${path}, which does not exist; no .env loaded`);
    return env;
  }
  const parsed = parseEnv(readFileSync(path, 'utf8'));
  const merged: Record<string, string | undefined> = { ...env };
  let added = 0;
  for (const [name, value] of Object.entries(parsed)) {
    if (merged[name] !== undefined || value === undefined) continue;
    merged[name] = value;
    added += 1;
  }
  context.logger.debug(`Loaded .env from ${path} (${added} variable${added === 1 ? '' : 's'} added)`);
  return merged;
}
