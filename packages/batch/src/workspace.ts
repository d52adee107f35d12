import { isAbsolute, join } from 'node:path';
import { BatchWorkspaceError } from './errors';

/**
 * The workspace folder: an absolute path as given, or a plain name under `batchHome` (neither may hold a control
 * character such as a newline); without one, a new name from the current time (`20260131-142501-3f9a`, UTC, with a random suffix so two batches opened together differ).
 */
export function resolveWorkspace(batchHome: string, workspace: string | undefined, now: number): string {
  if (workspace === undefined) return join(batchHome, defaultWorkspaceName(now));
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(workspace)) {
    throw new BatchWorkspaceError(
      JSON.stringify(workspace),
      'A workspace name or path must not contain a control character (a newline, a tab...)',
    );
  }
  if (isAbsolute(workspace)) return workspace;
  if (workspace === '' || workspace === '.' || workspace === '..' || /[/\\]/.test(workspace)) {
    throw new BatchWorkspaceError(
      workspace,
      'A workspace is a plain folder name (no slashes, not "." or "..") or an absolute path',
    );
  }
  return join(batchHome, workspace);
}

/** `YYYYMMDD-HHMMSS-xxxx` in UTC. */
export function defaultWorkspaceName(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}
