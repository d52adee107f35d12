import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { published, root } from './published-packages';

/**
 * A user's TypeScript project without `@types/node` compiles against every published entry's built `.d.ts`.
 *
 * The consumer: `types: []` (no `@types/*` package is loaded by itself), `skipLibCheck: false` (our declarations and
 * everything they import are checked), `module` / `moduleResolution` `NodeNext`, and `lib: ["ES2023", "DOM"]`. DOM is
 * the one assumption: `AbortSignal`, `Headers` and `fetch` in our options are its types (and the `openai` SDK's), and a
 * project without `@types/node` that makes HTTP calls has them from DOM. Anything Node-only (`NodeJS.*`, `Buffer`,
 * `import('node:…')`, a `/// <reference types="node" />`) in a public type fails here. Needs the packages built.
 */
const tsc = path.join(root, 'node_modules', '.bin', 'tsc');

/** Every entry (`pkg`, `pkg/sub`) whose export declares its own `types`. */
const entries = published.flatMap(({ manifest }) =>
  Object.entries(manifest.exports ?? {})
    .filter(([, target]) => typeof target === 'object' && target !== null && 'types' in target)
    .map(([subpath]) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`)),
);

const project = mkdtempSync(path.join(os.tmpdir(), 'maxllm-types-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the published types in a project without @types/node', { timeout: 180_000 }, () => {
  it('compile with types: [], lib ES2023 + DOM and skipLibCheck: false', () => {
    expect(entries).toEqual(
      expect.arrayContaining(['maxllm', 'maxllm/testing', '@maxllm/core', '@maxllm/client']),
    );
    for (const { dir, manifest } of published) {
      const link = path.join(project, 'node_modules', manifest.name);
      mkdirSync(path.dirname(link), { recursive: true });
      symlinkSync(path.join(root, dir), link, 'dir');
    }
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module' }));
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          lib: ['ES2023', 'DOM'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: [],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
        },
        files: ['index.ts'],
      }),
    );
    // Every entry's whole namespace is used, so every exported declaration is checked.
    writeFileSync(
      path.join(project, 'index.ts'),
      entries
        .map((entry, index) => `import * as entry${index} from '${entry}';\nexport { entry${index} };\n`)
        .join(''),
    );
    // `--listFiles` prints every file of the program after the diagnostics, errors or not.
    const result = spawnSync(tsc, ['-p', project, '--listFiles', '--pretty', 'false'], { encoding: 'utf8' });
    const lines = `${result.stdout}${result.stderr}`.split('\n');
    expect(lines.filter((line) => /error TS\d+/.test(line))).toEqual([]);
    expect(result.status).toBe(0);
    // Our packages sit inside the repository, whose node_modules has @types/node: a `/// <reference types="node" />`
    // anywhere would load it from there and hide the problem from the compile above.
    expect(lines.filter((file) => file.includes('/@types/node/'))).toEqual([]);
    expect(lines).toContain(path.join(root, 'packages', 'client', 'dist', 'index.d.ts'));
  });
});
