import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createResponseCache } from './response-cache';
import { recordingLogger, useTempDir } from './test-utils';

const worker = fileURLToPath(new URL('../test/kill-worker.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const tempDir = useTempDir();

/** Runs the writer for `ms` (after its first durable write), SIGKILLs it, and returns the keys it reported durable. */
async function writeThenKill(dir: string, tag: string, ms: number): Promise<string[]> {
  const child = spawn(process.execPath, [worker, dir, tag], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.on('data', (chunk: string) => {
      if (out === '') setTimeout(() => child.kill('SIGKILL'), ms);
      out += chunk;
    });
    child.once('close', () => resolve());
  });
  return out.split('\n').slice(0, -1); // the last piece may be a key cut off mid-line
}

describe('kill -9 of writing processes', () => {
  beforeAll(() => {
    if (!existsSync(dist))
      throw new Error(`${dist} is missing: run \`pnpm --filter @maxllm/cache build\` first`);
  });

  it('every entry whose set() resolved survives, nothing corrupt is served, and verify finds no damage', async () => {
    const dir = tempDir();
    const durable: string[] = [];
    for (let kill = 0; kill < 20; kill++) {
      // Two writers at once on the same packs, killed at different moments.
      const ms = (kill * 7) % 40;
      const pair = await Promise.all([
        writeThenKill(dir, `a${kill}`, ms),
        writeThenKill(dir, `b${kill}`, ms + 3),
      ]);
      durable.push(...pair.flat());
      const logger = recordingLogger();
      const reader = createResponseCache({ dir, logger, memoryEntries: 0 });
      for (const key of pair.flat()) {
        const index = Number(key.split('-')[1]);
        const found = await reader.get(index % 2 ? 'ns/a' : 'ns/b', key);
        expect(found?.response, key).toMatchObject({ key });
        expect((found!.response as { text: string }).text.startsWith(`${key}:`)).toBe(true);
      }
      expect(logger.warnings).toEqual([]);
    }
    expect(durable.length).toBeGreaterThan(40);
    // A kill can cut a large write short (the kernel stops copying at a fatal signal): verify drops such torn
    // records, which belonged to sets that never resolved.
    const report = await createResponseCache({ dir }).verify();
    expect(report.totalEntries).toBeGreaterThanOrEqual(durable.length);
    const reader = createResponseCache({ dir, memoryEntries: 0 });
    for (const key of durable) {
      const index = Number(key.split('-')[1]);
      expect((await reader.get(index % 2 ? 'ns/a' : 'ns/b', key))?.response).toMatchObject({ key });
    }
  }, 120_000);
});
