import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchWorkspaceError } from './errors';
import { lockWorkspace, unlockWorkspace } from './workspace-lock';

describe('lockWorkspace', () => {
  it('refuses a workspace held by another live process, and takes it over once that process is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'batch-lock-'));
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await writeFile(join(dir, 'lock'), JSON.stringify({ pid: other.pid, host: hostname() }));
    const error = await lockWorkspace(dir).catch((caught: unknown) => caught);
    expect(BatchWorkspaceError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`in use by process ${other.pid}`);

    await new Promise((resolve) => {
      other.on('exit', resolve);
      other.kill('SIGKILL');
    });
    await lockWorkspace(dir);
    expect(JSON.parse(await readFile(join(dir, 'lock'), 'utf8'))).toEqual({
      pid: process.pid,
      host: hostname(),
    });
  });

  it('lets the owning process lock again, and unlock removes only its own lock', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'batch-lock-'));
    await lockWorkspace(dir);
    await lockWorkspace(dir);
    await unlockWorkspace(dir);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    await writeFile(join(dir, 'lock'), JSON.stringify({ pid: 1, host: 'elsewhere' }));
    await unlockWorkspace(dir);
    expect(existsSync(join(dir, 'lock'))).toBe(true);
    await expect(lockWorkspace(dir)).rejects.toThrow(/on host elsewhere/);
  });
});
