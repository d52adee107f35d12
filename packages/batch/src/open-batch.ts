import { systemClock } from '@maxllm/core';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchHandle, OpenBatchOptions } from './batch-handle';
import { BatchWorkspace } from './batch-workspace';
import { BatchWorkspaceError } from './errors';
import { MANIFEST_VERSION, readManifest, writeManifest } from './manifest';
import { TaskLog, readJsonLines, recoverTaskLog } from './task-log';
import type { TaskRecord } from './task-log';
import { resolveWorkspace } from './workspace';
import { lockWorkspace } from './workspace-lock';

/**
 * Opens (or creates) a batch workspace for one model: `manifest.json` (written atomically), `tasks.jsonl`, upload files,
 * downloaded outputs. Reopening restores the state, job ids and custom ids.
 * One process at a time: the workspace is locked for the life of the process (a crashed owner's lock is taken over).
 * @throws BatchWorkspaceError for a bad workspace name, a corrupt manifest, a workspace of another model, or one in
 *   use by another running process.
 */
export async function openBatch(options: OpenBatchOptions): Promise<BatchHandle> {
  const clock = options.clock ?? systemClock;
  const model = options.config.resolveModel(options.model);
  const dir = resolveWorkspace(options.config.paths.batch, options.workspace, clock.now());
  await mkdir(dir, { recursive: true, mode: 0o700 }); // prompts and answers: owner only
  await lockWorkspace(dir);
  let manifest = await readManifest(dir);
  const tasksPath = join(dir, 'tasks.jsonl');
  const lines = await recoverTaskLog(tasksPath);
  if (manifest && manifest.uniqueName !== model.uniqueName) {
    throw new BatchWorkspaceError(
      dir,
      `The workspace belongs to model '${manifest.model}' (${manifest.uniqueName}), not '${options.model}' (${model.uniqueName})`,
    );
  }
  if (!manifest) {
    manifest = {
      version: MANIFEST_VERSION,
      model: options.model,
      uniqueName: model.uniqueName,
      state: 'enqueuing',
      createdAt: clock.now(),
      nextCustomId: 0,
      cachedCount: 0,
      jobs: [],
      cachedRecorded: false,
      cancelRequested: false,
    };
    if (lines > 0) manifest.nextCustomId = lines;
    await writeManifest(dir, manifest);
  }
  if (lines !== manifest.nextCustomId) {
    // The process stopped between appending tasks and updating the manifest: the tasks file is the truth.
    let cached = 0;
    for await (const task of readJsonLines<TaskRecord>(tasksPath)) if (task.cached) cached += 1;
    manifest.nextCustomId = lines;
    manifest.cachedCount = cached;
    await writeManifest(dir, manifest);
  }
  // Still enqueuing: rebuild the duplicate index so identical requests added after a reopen are sent once.
  const keys = new Map<string, string>();
  if (manifest.state === 'enqueuing') {
    for await (const task of readJsonLines<TaskRecord>(tasksPath)) {
      const key = `${task.namespace}\n${task.cacheKey}`;
      if (!task.cached && task.duplicateOf === undefined && task.request.force !== true && !keys.has(key)) {
        keys.set(key, task.customId);
      }
    }
  }
  return new BatchWorkspace(options, model, dir, manifest, new TaskLog(tasksPath, lines), clock, keys);
}
