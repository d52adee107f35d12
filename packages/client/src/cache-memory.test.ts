import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Zeroes every pack file in place: a hit that reaches the disk from here on fails its check and is a miss. */
function zeroPacks(cacheDir: string): void {
  const folder = join(cacheDir, 'pack-v1');
  for (const name of readdirSync(folder)) {
    const file = join(folder, name);
    writeFileSync(file, Buffer.alloc(readFileSync(file).length));
  }
}

describe('cacheMemoryEntries', () => {
  it.each([
    ['by default, a hit read once is kept in memory', undefined, 1],
    ['0 reads every hit from disk (what `maxllm run` uses: each line is asked once)', 0, 2],
  ])('%s', async (_, cacheMemoryEntries, requests) => {
    harness = await startHarness({ client: { cacheMemoryEntries } });
    const ask = () => harness!.client.complete({ model: 'gpt-4o-mini', prompt: 'remember me' });
    const first = await ask(); // a miss: written to the pack
    expect(await ask()).toBe(first); // a hit read from the pack
    zeroPacks(harness.client.config.paths.cache);
    await ask();
    expect(harness.server.stats().byModel['gpt-4o-mini']?.requests).toBe(requests);
  });
});
