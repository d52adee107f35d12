import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** The built CLI that every subprocess test runs. */
export const cliPath = join(repoRoot, 'apps/cli/dist/index.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds the CLI and everything it depends on when a `dist/` is missing or older than its sources
 * (the root `npm test` has usually built them already, and turbo's cache makes a no-change build quick).
 */
export function ensureBuilt(): void {
  const packages = readdirSync(join(repoRoot, 'packages')).map((name) => join(repoRoot, 'packages', name));
  const roots = [join(repoRoot, 'apps/cli'), ...packages];
  const stale = roots.some((root) => {
    const dist = join(root, 'dist/index.js');
    return !existsSync(dist) || statSync(dist).mtimeMs < newestSource(join(root, 'src'));
  });
  if (!stale) return;
  const run = (args: string[]): void => {
    execFileSync('pnpm', args, {
      cwd: repoRoot,
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
      stdio: 'pipe',
      timeout: 240_000,
    });
  };
  try {
    run(['exec', 'turbo', 'run', 'build', '--filter=@maxllm/cli...', '--output-logs=errors-only']);
  } catch (error) {
    const output = String((error as { stdout?: unknown }).stdout ?? error);
    // A sibling does not build right now: test the CLI against whatever sibling builds are on disk.
    console.warn(`maxllm cli tests: building the dependency graph failed (run pnpm build first)\n${output}`);
    try {
      run(['--filter', '@maxllm/cli', 'build']);
    } catch (cliError) {
      throw new Error(
        `building the CLI failed: run pnpm build first\n${String((cliError as { stdout?: unknown }).stdout ?? cliError)}`,
      );
    }
  }
}

/** A finished CLI run. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Extra environment (MAXLLM_* and OPENAI_* of the test process are removed first). */
  env?: Record<string, string | undefined>;
  /** Text written to stdin, then stdin is closed. Without it stdin is closed at once (not a TTY). */
  input?: string;
  /** Working directory. @default a fresh temp folder (so no ./maxllm.yaml is found) */
  cwd?: string;
  /** Kill after this long (a safety net, not an assertion). @default 60000 @unit ms */
  timeoutMs?: number;
}

/** A clean environment for a subprocess: no MaxLLM or OpenAI variables leak in from the test process. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(MAXLLM_|OPENAI_|RECACHE_FLAG|VITEST|NODE_OPTIONS)/.test(key)) env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs `node apps/cli/dist/index.js ...args` and collects its output. */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'maxllm-cli-cwd-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd,
      env: cleanEnv(options.env),
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input);
  });
}
