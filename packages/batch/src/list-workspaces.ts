import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifest } from './manifest';
import type { BatchState } from './types';

/** One workspace, as `listBatchWorkspaces` reports it. */
export interface BatchWorkspaceSummary {
  /** Folder name under the batch home. */
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
  readonly state: BatchState;
  /** Model alias it was opened with. */
  readonly model: string;
  /** @unit milliseconds since the epoch */
  readonly createdAt: number;
  /** Requests enqueued. */
  readonly requests: number;
  /** Batch jobs (all rounds). */
  readonly jobs: number;
}

/**
 * The workspaces under `batchHome` (`config.paths.batch`), newest first, read from their manifests without opening
 * (or locking) them. Folders without a readable manifest are skipped.
 */
export async function listBatchWorkspaces(batchHome: string): Promise<BatchWorkspaceSummary[]> {
  let entries;
  try {
    entries = await readdir(batchHome, { withFileTypes: true });
  } catch {
    return [];
  }
  const summaries: BatchWorkspaceSummary[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const path = join(batchHome, entry.name);
    const manifest = await readManifest(path).catch(() => undefined);
    if (!manifest) continue;
    summaries.push({
      name: entry.name,
      path,
      state: manifest.state,
      model: manifest.model,
      createdAt: manifest.createdAt,
      requests: manifest.nextCustomId,
      jobs: manifest.jobs.length,
    });
  }
  return summaries.sort((a, b) => b.createdAt - a.createdAt);
}
