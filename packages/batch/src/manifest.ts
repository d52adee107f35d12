import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchWorkspaceError } from './errors';
import type { BatchState, JobRecord } from './types';

/** Format version of `manifest.json`. */
export const MANIFEST_VERSION = 1;

/** Everything about a workspace except the tasks themselves (`tasks.jsonl`). */
export interface Manifest {
  version: number;
  /** Model alias the batch was opened with. */
  model: string;
  /** Unique name of the resolved model (cache namespace, ledger identity). */
  uniqueName: string;
  state: BatchState;
  /** When the workspace was created. @unit milliseconds since the epoch */
  createdAt: number;
  /** Tasks durably written to `tasks.jsonl`; the next custom id. */
  nextCustomId: number;
  /** Of those, tasks answered from the cache at enqueue time. */
  cachedCount: number;
  /** Upload files and their jobs, in creation order. */
  jobs: JobRecord[];
  /** True once the cache hits were counted in the ledger. */
  cachedRecorded: boolean;
  /**
   * True from just before `results()` starts writing ledger rows until the rows are flushed and the jobs marked
   * `recorded`. Found true on open, a process died in between: rows already in the ledger (by `request_id`) are not
   * written again.
   */
  recording?: boolean;
  /** True after `cancel()`: no further uploads. */
  cancelRequested: boolean;
}

/** Reads `manifest.json`, or `undefined` when the workspace has none yet. */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'manifest.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BatchWorkspaceError(dir, 'Cannot read manifest.json', { cause: error });
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch (error) {
    throw new BatchWorkspaceError(dir, 'manifest.json is not valid JSON', { cause: error });
  }
  if (manifest.version !== MANIFEST_VERSION) {
    throw new BatchWorkspaceError(dir, `manifest.json has version ${String(manifest.version)}, expected 1`);
  }
  return manifest;
}

/** Writes `manifest.json` atomically: a temporary file, fsync, then rename over the old one. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const path = join(dir, 'manifest.json');
  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}
