import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMockServer, type MockServer } from 'maxllm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Every `maxllm` command a user is told to type runs as printed: the sh blocks of apps/cli/README.md and of the
 * README (its Quick start is `.ci/run`'s job), their inline commands, and the demo's closing "next:" lines. Each runs
 * through `bash` in a sandbox project where `maxllm` is installed the way a user has it (node_modules/maxllm, whose
 * bin `npx` finds) and the config sends every model to a local mock server. A bare `maxllm` is not on PATH there.
 * Needs the packages built (`npm test` builds first).
 */
const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'maxllm-documented-'));
let server: MockServer;

/** A command that has not exited after this long is judged by what it printed so far (demos, mock, polls). */
const BUDGET_MS = 12_000;

beforeAll(async () => {
  server = await createMockServer({ latency: { meanMs: 0, jitterMs: 0 }, batch: { stepMs: 20 } });
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

interface Sandbox {
  /** The user's project: maxllm installed, the files the examples name. */
  project: string;
  /** The user's HOME, with ~/.maxllm/maxllm.yaml sending every model to the mock server. */
  home: string;
}

/** A user of their own for each group of commands, so groups run side by side. */
function createSandbox(name: string): Sandbox {
  const sandbox = path.join(work, name, 'project');
  const userHome = path.join(work, name, 'user-home');
  mkdirSync(path.join(sandbox, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(path.join(sandbox, 'package.json'), JSON.stringify({ name: 'sandbox', private: true }));
  symlinkSync(path.join(root, 'packages', 'maxllm'), path.join(sandbox, 'node_modules', 'maxllm'));
  symlinkSync('../maxllm/bin/maxllm.js', path.join(sandbox, 'node_modules', '.bin', 'maxllm'));
  // The files the examples name.
  writeFileSync(
    path.join(sandbox, 'prompts.jsonl'),
    '"Say one"\n{"prompt": "Say two", "id": "b"}\n"Say three"\n',
  );
  writeFileSync(path.join(sandbox, 'big.jsonl'), '"Big one"\n"Big two"\n');
  writeFileSync(path.join(sandbox, 'questions.txt'), 'What is one?\nWhat is two?\n');
  writeFileSync(path.join(sandbox, 'notes.txt'), 'Rate limits are per minute.\n');
  writeFileSync(
    path.join(sandbox, 'person.schema.json'),
    JSON.stringify({
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
      required: ['name', 'age'],
      additionalProperties: false,
    }),
  );
  // ~/.maxllm/maxllm.yaml: every model to the mock server (`config edit` finds it and creates nothing).
  mkdirSync(path.join(userHome, '.maxllm'), { recursive: true });
  writeFileSync(
    path.join(userHome, '.maxllm', 'maxllm.yaml'),
    `model_list:\n  - model_name: "*"\n    litellm_params:\n      model: "*"\n      api_base: ${server.url}\n      api_key: mock-key-for-tests\n`,
  );
  return { project: sandbox, home: userHome };
}

/** The user's shell: the sandbox's HOME, no `maxllm` (or pnpm) on PATH, npx never fetching from the registry. */
function userEnv(sandbox: Sandbox): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|PNPM_|COREPACK_|MAXLLM_|OPENAI_|VISUAL$|EDITOR$|REDIS_URL$|CI$)/i.test(name))
      env[name] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(
      (dir) => dir !== '' && !existsSync(path.join(dir, 'maxllm')) && !existsSync(path.join(dir, 'pnpm')),
    )
    .join(path.delimiter);
  env.HOME = sandbox.home;
  env.EDITOR = 'true';
  env.npm_config_yes = 'false';
  return env;
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Still running at the budget (then stopped). */
  running: boolean;
}

/** Runs one command line as printed with bash; a line that asks for a terminal gets one (`script`) and `input`. */
function runLine(
  sandbox: Sandbox,
  line: string,
  options: { cwd?: string; input?: string; terminal?: boolean; budgetMs?: number } = {},
) {
  const args = options.terminal ? ['-qec', line, '/dev/null'] : ['-c', line];
  const child = spawn(options.terminal ? 'script' : 'bash', args, {
    cwd: options.cwd ?? sandbox.project,
    env: userEnv(sandbox),
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  if (options.input !== undefined) child.stdin.write(options.input);
  if (!options.terminal) child.stdin.end();
  return new Promise<Outcome>((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }, options.budgetMs ?? BUDGET_MS);
    let running = false;
    timer.unref();
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      running = signal !== null;
      resolve({ code, stdout, stderr, running });
    });
  });
}

/**
 * What a user would take as "it worked": exit 0, or still at work at the budget with no error printed (a server, a
 * demo pacing itself to its limits, a bench generating its prompts, a poll waiting for a batch).
 */
function expectRan(line: string, outcome: Outcome): void {
  const report = `${line}\n--- stdout\n${outcome.stdout}\n--- stderr\n${outcome.stderr}`;
  expect(outcome.stderr, report).not.toMatch(
    /maxllm: error|command not found|unknown (option|command)|ENOENT/i,
  );
  if (!outcome.running) expect(outcome.code, report).toBe(0);
}

/** The command lines of a markdown file's sh blocks (comment-only lines dropped) and its inline `maxllm` commands. */
function documentedCommands(file: string, skipSection?: string): { blocks: string[][]; inline: string[] } {
  let markdown = readFileSync(path.join(root, file), 'utf8');
  if (skipSection)
    markdown = markdown.replace(new RegExp(`^## ${skipSection}\\n[\\s\\S]*?(?=^## )`, 'm'), '');
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) =>
    match[1]!.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#')),
  );
  const prose = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  const inline = [...prose.matchAll(/`([^`\n]+)`/g)]
    .map((match) => match[1]!)
    // A template (`npx maxllm <command>`) is not a command.
    .filter((code) => /^(npx maxllm|maxllm|node \S.*maxllm\S*) /.test(code) && !/[<>]|\.\.\./.test(code));
  return { blocks, inline };
}

/** Lines that need a terminal, and what the user types there. */
function terminalInput(line: string): { terminal: true; input: string } | undefined {
  if (/^npx maxllm chat\s+#.*interactive/.test(line)) return { terminal: true, input: 'Say hello\n/exit\n' };
  if (/asks first/.test(line)) return { terminal: true, input: 'y\n' };
  return undefined;
}

async function runAll(name: string, lines: string[], cwd?: string): Promise<void> {
  const sandbox = createSandbox(name);
  for (const line of lines) {
    const outcome = await runLine(sandbox, line, { cwd, ...terminalInput(line) });
    expectRan(line, outcome);
    // A demo run with --keep leaves its temp home behind (that is what it is for): remove it.
    const home = /^home: +(\S*maxllm-demo-\S+)$/m.exec(outcome.stdout)?.[1];
    if (home) rmSync(home, { recursive: true, force: true });
  }
}

describe.concurrent('documented maxllm commands run as printed', { timeout: 900_000 }, () => {
  const cli = documentedCommands('apps/cli/README.md');
  const readme = documentedCommands('README.md', 'Quick start');

  it('finds them: every sh line of the CLI README is a maxllm command, and none is a bare `maxllm`', () => {
    const lines = [...cli.blocks.flat(), ...readme.blocks.flat(), ...cli.inline, ...readme.inline];
    expect(cli.blocks.flat().length).toBeGreaterThan(30);
    expect(readme.blocks.flat().length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(/(^|\|\s*|\s)(npx maxllm|node (\S+ )*\S*maxllm\S*) /);
      expect(line).not.toMatch(/(^|[|;&]\s*)maxllm /);
    }
  });

  it.each(readme.blocks.map((block, index) => [index, block] as const))(
    'README block %i, from the repository root',
    async (index, block) => {
      await runAll(`readme-${index}`, block, root);
    },
  );

  it.each(cli.blocks.map((block, index) => [index, block] as const))(
    'apps/cli/README.md block %i',
    async (index, block) => {
      await runAll(`cli-${index}`, block);
    },
  );

  it('the inline commands of both READMEs', async () => {
    await runAll('inline', [...cli.inline, ...readme.inline]);
  });

  it.each([[['--keep']], [[]]])("the demo's next: lines (demo %j)", async (extra) => {
    const name = `demo${extra.join('')}`;
    const demo = await runLine(
      createSandbox(`${name}-first`),
      `npx maxllm demo -n 5 --latency 0 ${extra.join(' ')}`,
      { budgetMs: 180_000 },
    );
    expectRan('demo', demo);
    expect(demo.running).toBe(false);
    const next = (demo.stdout.split('\nnext:\n')[1] ?? '')
      .split('\n')
      .filter((line) => line.startsWith('  '));
    expect(next.length).toBeGreaterThan(1);
    await runAll(
      name,
      next.map((line) => line.trim()),
    );
    const home = /^home: +(\S+)/m.exec(demo.stdout)?.[1];
    if (home) rmSync(home, { recursive: true, force: true });
  });
});
