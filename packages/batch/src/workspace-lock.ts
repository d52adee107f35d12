import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BatchWorkspaceError } from './errors';

interface LockOwner {
  pid: number;
  host: string;
}

/**
 * Claims the workspace for this process with a `lock` file (`{ pid, host }`), so two processes never upload the same
 * tasks twice. The lock is kept until `close()` or the end of the process; a lock left by a process that no longer
 * runs (a crash, a SIGKILL) is taken over. The same process may open the workspace again.
 * @throws BatchWorkspaceError when another live process on this host holds the workspace.
 */
export async function lockWorkspace(dir: string): Promise<void> {
  const path = join(dir, 'lock');
  const me: LockOwner = { pid: process.pid, host: hostname() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(path, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(path);
    if (owner && owner.host === me.host && owner.pid === me.pid) return;
    if (owner && owner.host === me.host && isAlive(owner.pid)) {
      throw new BatchWorkspaceError(
        dir,
        `The workspace is in use by process ${owner.pid}; if that is wrong, delete ${path}`,
      );
    }
    if (owner && owner.host !== me.host) {
      throw new BatchWorkspaceError(
        dir,
        `The workspace is locked by process ${owner.pid} on host ${owner.host}; if it is not running, delete ${path}`,
      );
    }
    // Stale (or unreadable) lock: replace it, then claim again so a racing process cannot win silently.
    await writeFile(path, JSON.stringify(me), { mode: 0o600 });
    const now = await readOwner(path);
    if (now?.pid === me.pid && now.host === me.host) return;
  }
  throw new BatchWorkspaceError(dir, `Could not lock the workspace (${path})`);
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string'
      ? { pid: owner.pid, host: owner.host }
      : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the lock if this process holds it. */
export async function unlockWorkspace(dir: string): Promise<void> {
  const path = join(dir, 'lock');
  const owner = await readOwner(path);
  if (owner?.pid === process.pid && owner.host === hostname()) await rm(path, { force: true });
}
