import { execFile, execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ledgerColumns } from './columns';
import { readCsv, tempDir } from './test-helpers';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
// Inside the package so the bundle resolves csv-writer and @pydantic/genai-prices from its node_modules.
const bundleDir = join(packageDir, 'node_modules', '.cache', `ledger-test-${process.pid}`);
const bundle = pathToFileURL(join(bundleDir, 'index.js')).href;

const child = `
const { createLedger } = await import(process.argv[2]);
const [path, id, rows, mode] = process.argv.slice(3);
const ledger = createLedger({ path, flushIntervalMs: 1 });
for (let index = 0; index < Number(rows); index += 1) {
  ledger.record({
    model: 'gpt-4o-mini', uniqueName: 'm' + id, cacheHit: index % 2 === 0, batch: false, status: 'ok',
    requestId: 'req_' + id + '_' + index,
    prompt: 'child ' + id + ', row ' + index + ', "quoted" ' + 'x'.repeat(index % 70),
    completion: 'answer\\nwith newline, ' + index,
    usage: { inputTokens: 100, outputTokens: 10 },
  });
  if (mode === 'often' && index % 50 === 49) await ledger.flush();
}
if (mode === 'exit') process.exit(0);
await ledger.close();
`;

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(() => {
  const tsup = createRequire(import.meta.url).resolve('tsup/dist/cli-default.js');
  execFileSync(
    process.execPath,
    [tsup, 'src/index.ts', '--format', 'esm', '--out-dir', bundleDir, '--no-config', '--silent'],
    {
      cwd: packageDir,
    },
  );
});
afterAll(() => rm(bundleDir, { recursive: true, force: true }));
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function runChildren(
  path: string,
  specs: { rows: number; mode: 'often' | 'once' | 'exit' }[],
): Promise<void> {
  const script = join(dir, 'child.mjs');
  await writeFile(script, child);
  await Promise.all(
    specs.map((spec, id) =>
      run(process.execPath, [script, bundle, path, String(id), String(spec.rows), spec.mode]),
    ),
  );
}

describe('several processes appending to one ledger', () => {
  // Each child also takes the others' writes in flight for torn lines at times (their sizes show page by page):
  // before torn-tail.ts, that left an empty line between intact rows in about 1 run in 5.
  it('never interleave rows: one header, every row intact', { timeout: 60_000 }, async () => {
    const path = join(dir, 'logs', 'openai_calls.csv');
    // 'once' children append ~700 KB in one flush (cut into <=256 KiB writes); 'often' ones flush every 50 rows.
    const specs = [
      { rows: 2000, mode: 'often' as const },
      { rows: 2000, mode: 'once' as const },
      { rows: 2000, mode: 'often' as const },
      { rows: 2000, mode: 'once' as const },
    ];
    await runChildren(path, specs);

    const { header, rows, lines } = await readCsv(path); // throws on any malformed line
    expect(header).toEqual([...ledgerColumns]);
    expect(lines.filter((line) => line.startsWith('timestamp,'))).toHaveLength(1);
    expect(rows).toHaveLength(8000);
    const seen = new Set(rows.map((row) => row.request_id));
    expect(seen.size).toBe(8000);
    for (const row of rows) {
      const [, id, index] = row.request_id!.split('_');
      expect(row.unique_name).toBe(`m${id}`);
      expect(row.prompt_preview).toBe(
        `child ${id}, row ${index}, "quoted" ${'x'.repeat(Number(index) % 70)}`.slice(0, 80),
      );
      expect(row.completion_preview).toBe(`answer with newline, ${index}`);
      expect(row.cost_total_usd).not.toBe('');
    }
  });

  it('flushes buffered rows when a process exits without close()', { timeout: 60_000 }, async () => {
    const path = join(dir, 'ledger.csv');
    await runChildren(path, [{ rows: 25, mode: 'exit' }]);
    const { rows } = await readCsv(path);
    expect(rows.map((row) => row.request_id)).toEqual(
      Array.from({ length: 25 }, (_, index) => `req_0_${index}`),
    );
  });
});
