import { appendFileSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendLines, appendLinesSync } from './append-lines';
import { tempDir } from './test-helpers';
import { tornTailWaitsMs } from './torn-tail';

let path: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const made = await tempDir();
  path = join(made.dir, 'ledger.csv');
  cleanup = made.cleanup;
});
afterEach(() => cleanup());

const header = 'a,b\n';

describe('appending after a tail without a newline', () => {
  it("waits for another process's write in flight instead of cutting it with an empty line", async () => {
    // What a reader sees while another process's write is being copied in: its row, half there.
    await writeFile(path, `${header}1,half`);
    let waits = 0;
    await appendLines(path, ['3,ours\n'], {
      sleep: async () => {
        waits += 1;
        if (waits === 1) await appendFile(path, ' and the rest\n'); // that write completes
      },
    });
    expect(await readFile(path, 'utf8')).toBe(`${header}1,half and the rest\n3,ours\n`);
  });

  it("puts a dead writer's torn line on its own line, once its tail stayed still through every wait", async () => {
    await writeFile(path, `${header}1,torn by a cra`);
    const waited: number[] = [];
    await appendLines(path, ['3,ours\n'], { sleep: (ms) => Promise.resolve(void waited.push(ms)) });
    expect(await readFile(path, 'utf8')).toBe(`${header}1,torn by a cra\n3,ours\n`);
    expect(waited).toEqual(tornTailWaitsMs);
  });

  it('does not wait at all when the file ends in a newline', async () => {
    await writeFile(path, `${header}1,whole\n`);
    const waited: number[] = [];
    await appendLines(path, ['3,ours\n'], { sleep: (ms) => Promise.resolve(void waited.push(ms)) });
    expect(await readFile(path, 'utf8')).toBe(`${header}1,whole\n3,ours\n`);
    expect(waited).toEqual([]);
  });

  it('still appends when writers keep the tail moving (gives up waiting after a bounded number of looks)', async () => {
    await writeFile(path, `${header}1,grows`);
    let waits = 0;
    await appendLines(path, ['3,ours\n'], {
      sleep: async () => {
        waits += 1;
        await appendFile(path, 'x'); // never a newline
      },
    });
    expect(waits).toBeLessThan(100);
    expect((await readFile(path, 'utf8')).endsWith('\n3,ours\n')).toBe(true);
  });

  it('the synchronous append at exit waits for a write in flight too', async () => {
    await writeFile(path, `${header}1,half`);
    let waits = 0;
    appendLinesSync(path, header, ['3,ours\n'], {
      sleepSync: () => {
        waits += 1;
        if (waits === 1) appendFileSync(path, ' and the rest\n');
      },
    });
    expect(await readFile(path, 'utf8')).toBe(`${header}1,half and the rest\n3,ours\n`);
  });

  it("the synchronous append at exit still separates a dead writer's torn line", async () => {
    await writeFile(path, `${header}1,torn`);
    appendLinesSync(path, header, ['3,ours\n'], { sleepSync: () => {} });
    expect(await readFile(path, 'utf8')).toBe(`${header}1,torn\n3,ours\n`);
  });
});
