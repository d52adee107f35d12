import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const packageDirs = [
  ...readdirSync(path.join(root, 'packages')).map((name) => `packages/${name}`),
  'apps/cli',
];
interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports?: Record<string, unknown>;
  files?: string[];
  type?: string;
}
const manifests = new Map(
  packageDirs.map((dir) => [
    dir,
    JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as Manifest,
  ]),
);

describe('every package is a real package', () => {
  it.each(packageDirs)('%s has a README, sources, tests and an ESM manifest', (dir) => {
    const manifest = manifests.get(dir)!;
    const readme = readFileSync(path.join(root, dir, 'README.md'), 'utf8');
    // A real README: a title, an install line and a code example, not a stub.
    expect(readme).toMatch(/^# /m);
    expect(readme).toContain('```');
    expect(readme.split('\n').length).toBeGreaterThan(20);
    expect(existsSync(path.join(root, dir, 'src/index.ts'))).toBe(true);
    const tests = readdirSync(path.join(root, dir, 'src'), { recursive: true }).filter((file) =>
      String(file).endsWith('.test.ts'),
    );
    expect(tests.length).toBeGreaterThan(0);
    expect(manifest.type).toBe('module');
    if (!manifest.private) {
      expect(manifest.exports?.['./package.json']).toBe('./package.json');
      expect(manifest.files).toContain('dist');
    }
  });

  it.each(['config', 'ratelimit', 'cache', 'ledger', 'mock-server'])(
    'base package @maxllm/%s has @maxllm/core as its only @maxllm dependency',
    (name) => {
      const manifest = manifests.get(`packages/${name}`)!;
      const internal = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter(
        (dep) => dep.startsWith('@maxllm/') || dep === 'maxllm',
      );
      expect(internal).toEqual(['@maxllm/core']);
    },
  );

  it('keeps @maxllm/core free of any dependency', () => {
    const manifest = manifests.get('packages/core')!;
    expect({ ...manifest.dependencies, ...manifest.peerDependencies }).toEqual({});
  });

  it('keeps @maxllm/ratelimit free of openai, yaml and cacache', () => {
    const deps = Object.keys({
      ...manifests.get('packages/ratelimit')!.dependencies,
      ...manifests.get('packages/ratelimit')!.peerDependencies,
    });
    expect(deps).not.toContain('openai');
    expect(deps).not.toContain('yaml');
    expect(deps).not.toContain('cacache');
  });
});

describe('the maxllm command', () => {
  it('apps/cli imports the packages it uses, never the umbrella (which depends on it for its bin)', () => {
    const cli = manifests.get('apps/cli')!;
    expect(cli.private).toBeFalsy();
    expect(Object.keys({ ...cli.dependencies, ...cli.peerDependencies })).not.toContain('maxllm');
    expect(manifests.get('packages/maxllm')!.dependencies?.['@maxllm/cli']).toBe('workspace:*');
    const sources = readdirSync(path.join(root, 'apps/cli/src'), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.ts'));
    const offenders = sources.filter((file) =>
      /\bfrom\s*['"]maxllm(\/[^'"]*)?['"]|import\(\s*['"]maxllm/.test(
        readFileSync(path.join(root, 'apps/cli/src', file), 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
  });
});

describe('changesets', () => {
  it('a changeset on @maxllm/ratelimit bumps only it and the packages that depend on it', () => {
    // A copy of the workspace's manifests and changeset config in a fresh git repository: the changesets pending in
    // this checkout (a release's worth of them) do not mix into the plan.
    const copy = mkdtempSync(path.join(os.tmpdir(), 'maxllm-changeset-'));
    const files = ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json', 'bench/package.json'];
    for (const file of [...files, ...packageDirs.map((dir) => `${dir}/package.json`)]) {
      mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      copyFileSync(path.join(root, file), path.join(copy, file));
    }
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], {
        cwd: copy,
        stdio: 'pipe',
      });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'workspace manifests');
    writeFileSync(
      path.join(copy, '.changeset', 'repo-test.md'),
      '---\n"@maxllm/ratelimit": minor\n---\n\nRepository test.\n',
    );
    const out = path.join(copy, 'status.json');
    let status: { releases: Array<{ name: string; type: string }> };
    try {
      execFileSync(
        process.execPath,
        [createRequire(import.meta.url).resolve('@changesets/cli/bin.js'), 'status', `--output=${out}`],
        { cwd: copy, stdio: 'pipe' },
      );
      status = JSON.parse(readFileSync(out, 'utf8')) as typeof status;
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    // Private packages (bench) are listed with type "none": they are never versioned.
    const bumped = Object.fromEntries(
      status.releases
        .filter((release) => release.type !== 'none')
        .map((release) => [release.name, release.type]),
    );
    expect(bumped['@maxllm/ratelimit']).toBe('minor');

    const dependents = new Set<string>();
    let grew = true;
    const queue = new Set(['@maxllm/ratelimit']);
    while (grew) {
      grew = false;
      for (const manifest of manifests.values()) {
        if (manifest.private || dependents.has(manifest.name)) continue;
        const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
        if (deps.some((dep) => queue.has(dep) || dependents.has(dep))) {
          dependents.add(manifest.name);
          grew = true;
        }
      }
    }
    expect(new Set(Object.keys(bumped))).toEqual(new Set(['@maxllm/ratelimit', ...dependents]));
    for (const name of dependents) expect(bumped[name]).toBe('patch');
    expect(bumped['@maxllm/cache']).toBeUndefined();
    // The CLI is published (the umbrella ships its bin) and depends on the client: a patch, like the umbrella.
    expect(bumped['@maxllm/cli']).toBe('patch');
    expect(bumped.maxllm).toBe('patch');
  });
});
