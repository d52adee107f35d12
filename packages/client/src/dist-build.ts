/**
 * Test-only helpers for subprocess tests that run the BUILT client (`dist/`), as a user's process would.
 * Not exported from the package.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `packages/client`. */
export const clientDir = fileURLToPath(new URL('..', import.meta.url));

/** The monorepo root. */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Builds `@maxllm/client` and every workspace package it depends on (mock-server included) with turbo, which only
 * rebuilds what changed. Runs under `flock` so that test files building at the same time do not clean each other's
 * `dist/` half way.
 */
export function buildClientDist(): void {
  execFileSync(
    'flock',
    [
      '/tmp/maxllm-client-dist.lock',
      'pnpm',
      'exec',
      'turbo',
      'run',
      'build',
      '--filter=@maxllm/client...',
      '--output-logs=errors-only',
    ],
    { cwd: repoRoot, stdio: 'pipe', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
  );
}

/** Quotes one argument for `sh -c`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
