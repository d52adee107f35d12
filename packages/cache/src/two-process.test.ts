import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createResponseCache } from './response-cache';
import { recordingLogger, useTempDir } from './test-utils';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('../test/two-process-worker.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const tempDir = useTempDir();

interface Counts {
  hits: number;
  misses: number;
  wrong: number;
  warnings: number;
}

describe('two processes on one cache directory', () => {
  beforeAll(() => {
    if (!existsSync(dist))
      throw new Error(`${dist} is missing: run \`pnpm --filter @maxllm/cache build\` first`);
  });

  it('write and read the same keys at once: no error, no corrupt or wrong entry', async () => {
    const dir = tempDir();
    const children = ['a', 'b'].map((writer) => run(process.execPath, [worker, dir, writer, '15']));
    const results = (await Promise.all(children)).map(({ stdout }) => JSON.parse(stdout) as Counts);
    for (const counts of results) {
      expect(counts).toMatchObject({ wrong: 0, warnings: 0 });
      expect(counts.hits + counts.misses).toBe(300);
      expect(counts.hits).toBeGreaterThan(0);
    }
    const logger = recordingLogger();
    const cache = createResponseCache({ dir, logger });
    for (let index = 0; index < 20; index++) {
      const entry = await cache.get('shared/model*', `k${index}`);
      expect(entry?.response).toMatchObject({ key: `k${index}`, round: 14 });
    }
    expect(logger.warnings).toEqual([]);
    expect(await cache.verify()).toMatchObject({ badContentCount: 0, totalEntries: 20 });
  }, 30_000);
});
