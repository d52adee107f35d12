import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Environment variables as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where MaxLLM writes its files. Everything lives under `home`. */
export interface MaxllmPaths {
  /** Response cache folder: `<home>/cache`. */
  cache: string;
  /** Log folder: `<home>/logs`. */
  logs: string;
  /** CSV ledger of every call: `<home>/logs/openai_calls.csv`. */
  ledger: string;
  /** Batch API workspaces: `<home>/batch`. */
  batch: string;
}

/** Options for {@link resolveHome}. */
export interface ResolveHomeOptions {
  /** The user's home folder, for `~`. @default os.homedir() */
  homeDir?: string;
  /** Folder a relative `MAXLLM_HOME` is resolved against. @default process.cwd() */
  cwd?: string;
}

/** Expands a leading `~` to `homeDir` and makes the path absolute against `cwd`. */
export function expandPath(path: string, homeDir: string, cwd: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/')) return join(homeDir, path.slice(2));
  return resolve(cwd, path);
}

/** MaxLLM's home folder: `$MAXLLM_HOME` (`~` expanded, relative to `cwd`) or `~/.maxllm`. Creates nothing. */
export function resolveHome(env: Env, options: ResolveHomeOptions = {}): string {
  const homeDir = options.homeDir ?? homedir();
  const configured = env.MAXLLM_HOME;
  if (configured) return expandPath(configured, homeDir, options.cwd ?? process.cwd());
  return join(homeDir, '.maxllm');
}

/** The files and folders MaxLLM writes under `home`. */
export function homePaths(home: string): MaxllmPaths {
  const logs = join(home, 'logs');
  return {
    cache: join(home, 'cache'),
    logs,
    ledger: join(logs, 'openai_calls.csv'),
    batch: join(home, 'batch'),
  };
}
