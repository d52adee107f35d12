import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerRow } from './columns';
import { LedgerWriteError } from './errors';
import { createLedger } from './ledger';
import { readLedgerRows } from './read-ledger-rows';
import { manualClock, memoryLogger, sampleCall, tempDir } from './test-helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function rowsOf(path: string): Promise<LedgerRow[]> {
  const rows: LedgerRow[] = [];
  for await (const row of readLedgerRows(path, { logger: memoryLogger() })) rows.push(row);
  return rows;
}

/** Mounts a 64 KiB tmpfs (root only, where mounting is allowed); `undefined` when this machine cannot. */
function smallTmpfs(at: string): (() => void) | undefined {
  mkdirSync(at, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', at], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return () => execFileSync('umount', [at], { stdio: 'ignore' });
}

describe('write failures are loud', () => {
  it('a home that cannot hold the ledger (its parent is a file): flush() and close() reject, rows counted', async () => {
    // chmod does not stop root; a path under a regular file fails for everyone (ENOTDIR / EEXIST).
    await writeFile(join(dir, 'home'), 'a file, not a folder');
    const path = join(dir, 'home', 'logs', 'openai_calls.csv');
    const ledger = createLedger({ path, logger: memoryLogger() });
    ledger.record(sampleCall());
    ledger.record(sampleCall());
    const flushed = await ledger.flush().catch((error: unknown) => error);
    expect(flushed).toBeInstanceOf(LedgerWriteError);
    expect(flushed).toMatchObject({ rows: 2, path });
    expect((flushed as Error).message).toMatch(
      /^Cannot write 2 row\(s\) to the ledger .*openai_calls\.csv: E/,
    );
    ledger.record(sampleCall());
    await expect(ledger.close()).rejects.toMatchObject({ name: 'LedgerWriteError', rows: 3 });
    expect(await readdir(dir)).toEqual(['home']);
  });

  it('background failures log one error with the count, not one per row or per retry', async () => {
    await writeFile(join(dir, 'home'), 'a file');
    const clock = manualClock();
    const logger = memoryLogger();
    const ledger = createLedger({ path: join(dir, 'home', 'calls.csv'), clock, logger });
    for (let round = 0; round < 5; round += 1) {
      for (let index = 0; index < 1000; index += 1) ledger.record(sampleCall({ prompt: 'x'.repeat(80) }));
      clock.fire();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toMatch(
      /^Cannot write \d+ row\(s\) to the ledger .*flush\(\) and close\(\) fail/,
    );
    await expect(ledger.close()).rejects.toMatchObject({ rows: 5000 });
  });

  it('a full disk: close() rejects with ENOSPC, no temp file is left, and freed space writes every row once', async (context) => {
    const mount = join(dir, 'small');
    const unmount = smallTmpfs(mount);
    let path: string;
    let release: () => Promise<void>;
    if (unmount !== undefined) {
      // Fill the tmpfs but for a few KiB.
      path = join(mount, 'logs', 'openai_calls.csv');
      await writeFile(join(mount, 'filler'), Buffer.alloc(56 * 1024));
      release = () => rm(join(mount, 'filler'));
    } else {
      // No tmpfs here: /dev/full fails every write with the kernel's own ENOSPC (nothing can be freed).
      if (process.platform !== 'linux') context.skip();
      path = join(dir, 'openai_calls.csv');
      symlinkSync('/dev/full', path);
      release = () => Promise.resolve(rmSync(path));
    }
    try {
      const ledger = createLedger({ path, logger: memoryLogger() });
      const count = 100; // ~40 KiB: more than the space left, less than the space freed
      for (let index = 0; index < count; index += 1) {
        ledger.record(
          sampleCall({ requestId: `row-${index}`, prompt: 'p'.repeat(80), completion: 'c'.repeat(80) }),
        );
      }
      const failure = await ledger.flush().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(LedgerWriteError);
      expect(((failure as Error).cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
      const unwritten = (failure as LedgerWriteError).rows;
      expect(unwritten).toBeGreaterThan(0);
      expect(unwritten).toBeLessThanOrEqual(count);
      const folder = join(path, '..');
      expect((await readdir(folder)).filter((name) => name.endsWith('.tmp'))).toEqual([]);

      await release();
      await ledger.close();
      // Every row is there exactly once: rows written before the disk filled are not written again.
      const ids = (await rowsOf(path)).map((row) => row.request_id);
      expect(ids).toEqual(Array.from({ length: count }, (_, index) => `row-${index}`));
      expect((await readdir(folder)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      unmount?.();
    }
  });
});
