import { execFile, execFileSync, spawnSync } from 'node:child_process';
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
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Manifest, published, root } from './published-packages';

/**
 * What a user gets from the registry: every published package packed with pnpm (workspace ranges replaced by
 * versions, `files` applied), then installed with npm into an empty project. Needs the packages built (`npm test`
 * builds first) and the npm registry for third-party dependencies.
 */
const pnpm = path.join(root, 'node_modules', '.bin', 'pnpm');
const license = readFileSync(path.join(root, 'LICENSE'), 'utf8');

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
const tarballOf = new Map<string, string>();
// Eight projects with their node_modules: removing them takes longer than the default hook timeout.
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

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
    tarballOf.set(manifest.name, tarball);
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

/**
 * The base packages, each usable alone (docs/design.md): installed from its tarball with only `@maxllm/core`'s (and,
 * for request, the one more it genuinely needs), each does one real thing through its entry.
 * `@maxllm/request` sits above `@maxllm/cache` in the design: it hashes every prepared request with cache's
 * `cacheKey`, so it comes with cache.
 */
const alone: Record<string, { needs: string[]; script: string; prints: RegExp }> = {
  '@maxllm/core': {
    needs: [],
    script: `import { MaxllmError, createManualClock, sleep } from '@maxllm/core';
class AppError extends MaxllmError { static brand = 'app.AppError'; }
const clock = createManualClock();
const waiting = sleep(clock, 1000);
clock.advance(1000);
await waiting;
console.log('slept', clock.now(), AppError.isInstance(new AppError('x')), AppError.isInstance(new MaxllmError('x')));`,
    prints: /^slept 1000 true false$/,
  },
  '@maxllm/config': {
    needs: [],
    script: `import { parseConfig } from '@maxllm/config';
const yaml = 'model_list:\\n  - model_name: "glm-*"\\n    litellm_params: { model: ~, api_base: "https://example.invalid/v1", rpm: 7 }\\n';
const model = parseConfig(yaml, 'inline.yaml', { env: {} }).resolveModel('glm-4.6');
console.log('resolved', model.model, model.rpm);`,
    prints: /^resolved glm-4\.6 7$/,
  },
  '@maxllm/ratelimit': {
    needs: [],
    script: `import { createRateLimiter, estimateChatTokens } from '@maxllm/ratelimit';
const limiter = createRateLimiter({ rpm: 60, tpm: 10000, concurrency: 2 });
const permit = await limiter.acquire({ tokens: estimateChatTokens([{ role: 'user', content: 'Hello!' }], 'gpt-4o-mini') });
console.log('admitted', limiter.stats().admitted, permit.tokens > 0);
permit.settle({ tokens: 12 });
await limiter.close();`,
    prints: /^admitted 1 true$/,
  },
  '@maxllm/cache': {
    needs: [],
    script: `import { cacheKey, createResponseCache } from '@maxllm/cache';
const cache = createResponseCache({ dir: 'cache' });
const key = cacheKey({ endpoint: '/v1/chat/completions', body: { model: 'm', messages: [] } });
await cache.set('m', key, { response: { answer: 42 }, meta: { createdAt: Date.now(), model: 'm', keyVersion: 1 } });
console.log('cached', (await cache.get('m', key))?.response.answer);
await cache.close();`,
    prints: /^cached 42$/,
  },
  '@maxllm/ledger': {
    needs: [],
    script: `import { createLedger, readLedgerRows } from '@maxllm/ledger';
const ledger = createLedger({ path: 'logs/calls.csv' });
ledger.record({ model: 'gpt-4o-mini', uniqueName: 'gpt-4o-mini', usage: { inputTokens: 9, outputTokens: 3 },
  cacheHit: false, batch: false, status: 'ok' });
await ledger.close();
for await (const row of readLedgerRows('logs/calls.csv')) console.log('row', row.model, row.output_tokens);`,
    prints: /^row gpt-4o-mini 3$/,
  },
  '@maxllm/mock-server': {
    needs: [],
    script: `import { createMockServer } from '@maxllm/mock-server';
const server = await createMockServer();
const response = await fetch(server.url + '/chat/completions', { method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer test-placeholder' },
  body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }) });
const body = await response.json();
console.log('answered', response.status, typeof body.choices[0].message.content);
await server.close();`,
    prints: /^answered 200 string$/,
  },
  '@maxllm/request': {
    needs: ['@maxllm/cache'],
    script: `import { prepareRequest } from '@maxllm/request';
const prepared = prepareRequest({ prompt: 'Hi', systemPrompt: 'Be brief.' }, { model: 'gpt-4o-mini', uniqueName: 'gpt-4o-mini', mode: 'chat' });
console.log('prepared', prepared.endpoint, prepared.body.messages.length, prepared.cacheKey.length > 10);`,
    prints: /^prepared \/v1\/chat\/completions 2 true$/,
  },
};

const run = promisify(execFile);

describe.concurrent('each base package installed alone from its tarball', { timeout: 300_000 }, () => {
  const cases = Object.entries(alone).map(([name, { needs }]): [string, string] => [
    name === '@maxllm/core' ? `${name} alone` : [name, '@maxllm/core', ...needs].join(' + '),
    name,
  ]);
  it.each(cases)('%s, nothing else of ours', async (_title, name) => {
    const { needs, script, prints } = alone[name]!;
    const manifest = JSON.parse(
      readFileSync(path.join(unpacked.get(name)!, 'package.json'), 'utf8'),
    ) as Manifest;
    const declared = Object.keys({
      ...manifest.dependencies,
      ...manifest.peerDependencies,
      ...manifest.optionalDependencies,
    }).filter((dep) => dep === 'maxllm' || dep.startsWith('@maxllm/'));
    const expected = name === '@maxllm/core' ? [] : ['@maxllm/core', ...needs];
    expect(declared.sort()).toEqual(expected.sort());

    const dir = path.join(work, 'alone', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'alone', private: true, type: 'module' }),
    );
    const packed = [name, ...expected].map((each) => tarballOf.get(each)!);
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packed], {
      cwd: dir,
      env: userEnv(),
    });
    // Nothing else of ours came in (from the registry or anywhere).
    const installed = readdirSync(path.join(dir, 'node_modules', '@maxllm')).map((each) => `@maxllm/${each}`);
    expect(installed.sort()).toEqual([name, ...expected].sort());
    expect(existsSync(path.join(dir, 'node_modules', 'maxllm'))).toBe(false);

    writeFileSync(path.join(dir, 'main.mjs'), script);
    const { stdout } = await run(process.execPath, ['main.mjs'], { cwd: dir, env: userEnv() });
    expect(stdout.trim()).toMatch(prints);
  });
});
