import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { CliError } from './errors.js';

/** What `maxllm batch list|status` shows of a workspace without opening it (from its `manifest.json`). */
export interface WorkspaceSummary {
  name: string;
  dir: string;
  model: string;
  state: string;
  requests: number;
  cached: number;
  jobs: number;
  createdAt: number | undefined;
}

/** The workspace folder for a name (under `batchHome`) or an absolute path. */
export function workspaceDir(batchHome: string, name: string): string {
  return isAbsolute(name) ? name : join(batchHome, name);
}

/** Reads a workspace's manifest. @throws CliError when it is not a batch workspace. */
export function readWorkspace(batchHome: string, name: string): WorkspaceSummary {
  const dir = workspaceDir(batchHome, name);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    throw new CliError(`no batch workspace "${name}" in ${batchHome} (see: maxllm batch list)`);
  }
  return {
    name,
    dir,
    model: String(manifest.model),
    state: String(manifest.state),
    requests: typeof manifest.nextCustomId === 'number' ? manifest.nextCustomId : 0,
    cached: typeof manifest.cachedCount === 'number' ? manifest.cachedCount : 0,
    jobs: Array.isArray(manifest.jobs) ? manifest.jobs.length : 0,
    createdAt: typeof manifest.createdAt === 'number' ? manifest.createdAt : undefined,
  };
}

/** Every workspace under `batchHome`, newest first. */
export function listWorkspaces(batchHome: string): WorkspaceSummary[] {
  let names: string[];
  try {
    names = readdirSync(batchHome, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      try {
        return [readWorkspace(batchHome, name)];
      } catch {
        return [];
      }
    })
    .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
}
