import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What a user gets from the registry: every published package packed with pnpm (workspace ranges replaced by
 * versions, `files` applied), then installed with npm into an empty project. Needs the packages built (`npm test`
 * builds first) and the npm registry for third-party dependencies.
 */
const root = path.resolve(import.meta.dirname, '..');
const pnpm = path.join(root, 'node_modules', '.bin', 'pnpm');
const license = readFileSync(path.join(root, 'LICENSE'), 'utf8');

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const published = ['packages', 'apps']
  .flatMap((parent) => readdirSync(path.join(root, parent)).map((name) => path.join(parent, name)))
  .filter((dir) => existsSync(path.join(root, dir, 'package.json')))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter(({ manifest }) => !manifest.private);

/** The environment of a user's shell: none of the `npm test` run's npm settings, no pnpm. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/^(npm_|PNPM_|COREPACK_)/i.test(name)) delete env[name];
  env.PATH = (env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '' && !existsSync(path.join(dir, 'pnpm')))
    .join(path.delimiter);
  return env;
}

/** As {@link userEnv}, and npx may not fetch from the registry: the bin must come from the installed tarballs. */
function localOnly(): NodeJS.ProcessEnv {
  return { ...userEnv(), npm_config_yes: 'false' };
}

const work = mkdtempSync(path.join(os.tmpdir(), 'maxllm-packed-'));
const tarballs = path.join(work, 'tarballs');
const project = path.join(work, 'project');
const unpacked = new Map<string, string>();
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  mkdirSync(tarballs);
  for (const { dir, manifest } of published) {
    execFileSync(pnpm, ['pack', '--pack-destination', tarballs], {
      cwd: path.join(root, dir),
      stdio: 'pipe',
    });
    const tarball = path.join(
      tarballs,
      `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`,
    );
    const into = path.join(work, 'unpacked', manifest.name);
    mkdirSync(into, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', into]);
    unpacked.set(manifest.name, path.join(into, 'package'));
  }
}, 120_000);

function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => statSync(path.join(dir, file)).isFile());
}

/** Every module specifier a file imports, re-exports or requires (comments dropped first). */
function specifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = new Set<string>();
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"\s]+)['"]/g,
    /\bimport\s*['"]([^'"\s]+)['"]/g,
    /\bimport\(\s*['"]([^'"\s]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"\s]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.add(match[1]!);
  return [...found];
}

function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe.each(published.map(({ manifest }) => manifest))('the $name tarball', (manifest) => {
  it('has the MIT LICENSE and no test files or test helpers', () => {
    const dir = unpacked.get(manifest.name)!;
    expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toBe(license);
    const testish = filesOf(dir).filter((file) =>
      /(^|\/)(test-[^/]*|[^/]*\.test\.[cm]?[jt]s|__tests__\/.*|global-setup\.[jt]s)$/.test(file),
    );
    expect(testish).toEqual([]);
  });

  it('imports only its own files, Node built-ins and the packages it declares', () => {
    const dir = unpacked.get(manifest.name)!;
    const files = filesOf(dir);
    const declared = new Set([
      manifest.name,
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
    ]);
    const problems: string[] = [];
    for (const file of files.filter((name) => /\.(?:[cm]?js|[cm]?ts)$/.test(name))) {
      for (const specifier of specifiers(readFileSync(path.join(dir, file), 'utf8'))) {
        if (specifier.startsWith('.')) {
          const target = path.join(path.dirname(file), specifier);
          const candidates = [target, `${target}.ts`, `${target}.js`, target.replace(/\.js$/, '.ts')];
          candidates.push(path.join(target, 'index.ts'), path.join(target, 'index.js'));
          if (!candidates.some((candidate) => files.includes(candidate))) {
            problems.push(`${file}: ${specifier} is not in the tarball`);
          }
        } else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) {
          if (!declared.has(packageNameOf(specifier)))
            problems.push(`${file}: ${specifier} is not a dependency`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the tarballs installed with npm into an empty project', { timeout: 300_000 }, () => {
  beforeAll(() => {
    mkdirSync(project);
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'empty', private: true, type: 'module' }),
    );
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        ...readdirSync(tarballs).map((name) => path.join(tarballs, name)),
      ],
      { cwd: project, env: userEnv(), stdio: 'pipe' },
    );
  }, 300_000);

  it('imports every entry of every package', () => {
    const entries = published.flatMap(({ manifest }) =>
      Object.keys(manifest.exports ?? { '.': '' })
        .filter((subpath) => subpath !== './package.json' && subpath !== './bin')
        .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`)),
    );
    expect(entries).toContain('maxllm');
    const script = `for (const entry of ${JSON.stringify(entries)}) {
  const names = Object.keys(await import(entry));
  if (names.length === 0) throw new Error(entry + ' exports nothing');
  console.log(entry, names.length);
}`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: project,
      env: userEnv(),
      encoding: 'utf8',
    });
    expect(out.trim().split('\n')).toHaveLength(entries.length);
  });

  it('gives the maxllm command: npx maxllm --help, and the demo', () => {
    const help = spawnSync('npx', ['maxllm', '--help'], {
      cwd: project,
      env: localOnly(),
      encoding: 'utf8',
    });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: maxllm /m);

    const demo = spawnSync('npx', ['maxllm', 'demo', '-n', '20', '--latency', '5'], {
      cwd: project,
      env: localOnly(),
      encoding: 'utf8',
    });
    expect(demo.status, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/round 2: cache: 20 calls .* 20 from the cache, 0 errors/);
  });
});
