import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script of the CI, without types
import { readmeCommands as readReadmeCommands } from '../.ci/readme-commands.mjs';

const readmeCommands = readReadmeCommands as (markdown?: string) => { setup: string[]; test: string[] };
const root = path.resolve(import.meta.dirname, '..');
const rootManifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  packageManager: string;
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** PATH as a machine with only Node and npm has it: no directory holding a `pnpm` or `pnpx`. */
function pathWithoutPnpm(pathValue = process.env.PATH ?? ''): string {
  return pathValue
    .split(path.delimiter)
    .filter((dir) => dir !== '' && !existsSync(path.join(dir, 'pnpm')) && !existsSync(path.join(dir, 'pnpx')))
    .join(path.delimiter);
}

/** The environment of a new user: no pnpm, no telemetry opt-out of their own, a turbo that never ran before. */
function newUserEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: pathWithoutPnpm(),
    XDG_CONFIG_HOME: tempDir('maxllm-xdg-'),
  };
  for (const name of Object.keys(env)) {
    if (/^(TURBO_TELEMETRY_DISABLED|DO_NOT_TRACK|npm_|COREPACK_|PNPM_)/i.test(name)) delete env[name];
  }
  return env;
}

describe("the README's commands", () => {
  it('are two set-up commands and one test command, none needing a global pnpm', () => {
    const { setup, test } = readmeCommands();
    expect(setup).toHaveLength(2);
    expect(test).toHaveLength(1);
    for (const command of [...setup, ...test]) expect(command).toMatch(/^(npx|npm) /);
    // The install goes through the pinned pnpm, the same one the workspace installs for its scripts (turbo runs the
    // packages' tasks with it).
    const pinned = rootManifest.packageManager.replace(/^pnpm@/, '');
    expect(setup[0]).toContain(`npx --yes pnpm@${pinned} install --frozen-lockfile`);
    expect(rootManifest.devDependencies.pnpm).toBe(pinned);
    expect(setup[1]).toMatch(/^npm run demo\b/);
    expect(test[0]).toMatch(/^npm test\b/);
  });

  it('are refused when the Quick start loses its shape', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(() => readmeCommands(readme.replace('npm run demo', 'npm run demo\nnpm run bench'))).toThrow(
      /2 set-up commands, found 3/,
    );
    expect(() => readmeCommands(readme.replace('## Quick start', '## Start'))).toThrow(/Quick start/);
  });

  it(
    'turbo finds the package manager and shows no telemetry notice without a global pnpm',
    { timeout: 120_000 },
    () => {
      // A real turbo task (typecheck of a package without internal dependencies): turbo runs it through pnpm.
      const result = spawnSync('npm', ['run', 'typecheck', '--', '--filter=@maxllm/config'], {
        cwd: root,
        env: newUserEnv(),
        encoding: 'utf8',
      });
      const output = `${result.stdout}\n${result.stderr}`;
      expect(output).not.toMatch(/Unable to find package manager/);
      expect(output).not.toMatch(/anonymous telemetry|turborepo.dev\/docs\/telemetry/i);
      expect(result.status, output).toBe(0);
    },
  );

  it('every root script that runs turbo turns its telemetry off itself', () => {
    const turboScripts = Object.entries(rootManifest.scripts).filter(([, script]) =>
      /\bturbo\b/.test(script),
    );
    expect(turboScripts.length).toBeGreaterThan(4);
    for (const [name, script] of turboScripts) {
      expect(script, name).toMatch(/^TURBO_TELEMETRY_DISABLED=1 turbo /);
      expect(script.match(/\bturbo run\b/g)?.length, name).toBe(1);
    }
  });
});

describe('.ci/run', { timeout: 60_000 }, () => {
  /**
   * A stand-in project for `.ci/run`: the real `.ci/run` and `.ci/readme-commands.mjs`, a README with the given Quick
   * start, root scripts that only log their name, a `pnpm` on PATH that must be stripped and a `redis-cli` that
   * answers. Each command appends to calls.log.
   */
  function ciProject(setup: string[], test: string) {
    const dir = tempDir('maxllm-ci-');
    mkdirSync(path.join(dir, '.ci'));
    for (const file of ['run', 'readme-commands.mjs']) {
      copyFileSync(path.join(root, '.ci', file), path.join(dir, '.ci', file));
    }
    writeFileSync(
      path.join(dir, 'README.md'),
      `# Fake\n\n## Quick start\n\n\`\`\`sh\n${setup.join('\n')}\n\`\`\`\n\nRun the tests:\n\n\`\`\`sh\n${test}\n\`\`\`\n\n## More\n\n\`\`\`sh\nnpm run never\n\`\`\`\n`,
    );
    const scripts = Object.fromEntries(
      ['lint', 'format:check', 'typecheck', 'build', 'check:packages', 'never'].map((name) => [
        name,
        `echo ${name} >> calls.log`,
      ]),
    );
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fake', private: true, scripts }));
    writeFileSync(
      path.join(dir, 'report.mjs'),
      `import { appendFileSync, writeFileSync } from 'node:fs';
appendFileSync('calls.log', 'test\\n');
writeFileSync(process.env.MAXLLM_TEST_JSON, JSON.stringify({ numPassedTests: 3, numFailedTests: 0, numFailedTestSuites: 0, numPendingTests: 0, numTodoTests: 0 }));
`,
    );
    const pnpmDir = path.join(dir, 'global-pnpm');
    const toolsDir = path.join(dir, 'tools');
    mkdirSync(pnpmDir);
    mkdirSync(toolsDir);
    writeFileSync(path.join(pnpmDir, 'pnpm'), '#!/bin/sh\necho "a global pnpm ran" >> calls.log\n');
    writeFileSync(path.join(toolsDir, 'redis-cli'), '#!/bin/sh\necho PONG\n');
    chmodSync(path.join(pnpmDir, 'pnpm'), 0o755);
    chmodSync(path.join(toolsDir, 'redis-cli'), 0o755);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: [pnpmDir, toolsDir, process.env.PATH].join(path.delimiter),
      TURBO_TELEMETRY_DISABLED: '1',
    };
    delete env.MAXLLM_TEST_JSON;
    const run = () =>
      spawnSync('bash', [path.join(dir, '.ci', 'run')], { cwd: os.tmpdir(), env, encoding: 'utf8' });
    const calls = () => readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n');
    return { dir, run, calls };
  }

  it("runs the README's commands as written, on a PATH without pnpm, then the checks and the README's test", () => {
    const project = ciProject(
      [
        'echo "one: pnpm=$(command -v pnpm || echo none) telemetry=${TURBO_TELEMETRY_DISABLED:-unset}" >> calls.log  # first',
        'echo two >> calls.log',
      ],
      'node report.mjs',
    );
    const result = project.run();
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('3 passed, 0 failed');
    expect(project.calls()).toEqual([
      'one: pnpm=none telemetry=unset',
      'two',
      'lint',
      'format:check',
      'typecheck',
      'build',
      'check:packages',
      'test',
    ]);
  });

  it('follows the README when its commands change, and fails when they lose their shape', () => {
    const changed = ciProject(
      ['echo changed-one >> calls.log', 'echo changed-two >> calls.log'],
      'node report.mjs',
    );
    expect(changed.run().status).toBe(0);
    expect(changed.calls().slice(0, 2)).toEqual(['changed-one', 'changed-two']);

    const three = ciProject(
      ['echo a >> calls.log', 'echo b >> calls.log', 'echo c >> calls.log'],
      'node report.mjs',
    );
    const result = three.run();
    expect(result.status).not.toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
    expect(existsSync(path.join(three.dir, 'calls.log'))).toBe(false);

    const failing = ciProject(['false', 'echo never >> calls.log'], 'node report.mjs');
    const failed = failing.run();
    expect(failed.status).not.toBe(0);
    expect(failed.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });

  it('has no copy of a README command of its own', () => {
    const ciRun = readFileSync(path.join(root, '.ci', 'run'), 'utf8');
    const { setup, test } = readmeCommands();
    for (const command of [...setup, ...test]) {
      expect(ciRun).not.toContain(command.replace(/\s+#.*$/, ''));
    }
    expect(ciRun).not.toMatch(/pnpm@/);
    expect(execFileSync('git', ['ls-files', '-s', '.ci/run'], { cwd: root, encoding: 'utf8' })).toMatch(
      /^100755 /,
    );
  });
});
