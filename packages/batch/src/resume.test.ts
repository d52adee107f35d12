import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness } from './test-harness';
import type { Harness } from './test-harness';

const child = fileURLToPath(new URL('../test/resume-child.mjs', import.meta.url));
const resultsChild = fileURLToPath(new URL('../test/results-child.mjs', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));

/** Runs the child until it prints "uploaded" (then SIGKILLs it) or dies by itself. */
function runChild(
  harness: Harness,
  workspace: string,
  mode: 'after-upload' | 'mid-upload' | 'file-created' | 'batch-created',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, [child, harness.server.url, harness.home, workspace, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    process_.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('uploaded')) process_.kill('SIGKILL');
    });
    process_.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    process_.on('error', reject);
    process_.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(output);
      else reject(new Error(`child exited without being killed: ${output}`));
    });
  });
}

/** Runs results() in a child that kills itself while recording; resolves with its output once it is dead. */
function runResultsChild(
  harness: Harness,
  workspace: string,
  mode: 'after-flush' | 'mid-record',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(
      process.execPath,
      [resultsChild, harness.server.url, harness.home, workspace, mode],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    for (const stream of [process_.stdout, process_.stderr]) {
      stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    }
    process_.on('error', reject);
    process_.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(output);
      else reject(new Error(`child exited without being killed: ${output}`));
    });
  });
}

function fileUploads(harness: Harness): number {
  return harness.server.stats().byEndpoint['POST /v1/files'] ?? 0;
}

let harness: Harness;
beforeEach(async () => {
  harness = await createHarness();
});
afterEach(async () => {
  await harness.close();
});

// Each test starts a Node process: generous timeouts for a shared, slow machine (no timing is asserted).
describe.skipIf(!built && !process.env.CI)(
  'resume after SIGKILL (runs dist/: build first)',
  { timeout: 60_000 },
  () => {
    it('a new process reopens a fully uploaded workspace, uploads nothing again, waits and gets every result', async () => {
      const output = await runChild(harness, 'resume-full', 'after-upload');
      expect(output).toContain('uploaded in_progress');
      expect(fileUploads(harness)).toBe(3);

      const batch = await harness.open({ workspace: 'resume-full' });
      expect(batch.state).toBe('in_progress');
      expect(batch.size).toBe(5);
      await expect(batch.upload()).rejects.toThrow(/upload\(\) is not allowed in state 'in_progress'/);
      expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('completed');
      const results = await batch.results();
      expect(results.map((result) => result.ok && result.customId)).toEqual(['0', '1', '2', '3', '4']);
      expect(fileUploads(harness)).toBe(3);
      expect(harness.server.stats().byEndpoint['POST /v1/batches']).toBe(3);
    });

    it('a process killed mid-upload is resumed without uploading a recorded file twice', async () => {
      await runChild(harness, 'resume-mid', 'mid-upload');
      expect(fileUploads(harness)).toBe(2);

      const batch = await harness.open({ workspace: 'resume-mid' });
      expect(batch.state).toBe('uploading');
      // Files are all uploaded before any job is created: two ids were recorded, no job exists yet.
      expect(batch.jobs.map((job) => job.fileId !== undefined)).toEqual([true, true, false]);
      expect(batch.jobs.every((job) => job.jobId === undefined)).toBe(true);
      expect(await batch.upload()).toBe('in_progress');
      expect(fileUploads(harness)).toBe(3);
      expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('completed');
      const results = await batch.results();
      expect(results.every((result) => result.ok)).toBe(true);
      expect(results).toHaveLength(5);
    });

    it('finds a file the killed process uploaded but could not record, instead of uploading it twice', async () => {
      await runChild(harness, 'resume-file', 'file-created');
      expect(fileUploads(harness)).toBe(3);
      const batch = await harness.open({ workspace: 'resume-file' });
      expect(batch.jobs[2]?.fileId).toBeUndefined();
      expect(await batch.upload()).toBe('in_progress');
      expect(fileUploads(harness)).toBe(3);
      expect(harness.server.stats().byEndpoint['POST /v1/batches']).toBe(3);
    });

    it('finds a job the killed process created but could not record, instead of running it twice', async () => {
      await runChild(harness, 'resume-batch', 'batch-created');
      expect(harness.server.stats().byEndpoint['POST /v1/batches']).toBe(3);
      const batch = await harness.open({ workspace: 'resume-batch' });
      expect(batch.jobs[2]?.jobId).toBeUndefined();
      expect(await batch.upload()).toBe('in_progress');
      expect(harness.server.stats().byEndpoint['POST /v1/batches']).toBe(3);
      expect(await batch.waitUntilDone({ pollIntervalMs: 5 })).toBe('completed');
      expect((await batch.results()).every((result) => result.ok)).toBe(true);
    });

    it.each(['after-flush', 'mid-record'] as const)(
      'a process killed while recording results (%s) leaves every answer in the ledger exactly once',
      async (mode) => {
        const workspace = `record-${mode}`;
        const first = await harness.open({ workspace });
        for (let index = 0; index < 5; index += 1) await first.enqueue({ prompt: `question ${index}` });
        await first.upload();
        expect(await first.waitUntilDone({ pollIntervalMs: 5 })).toBe('completed');
        await first.close();

        await runResultsChild(harness, workspace, mode);
        const written = await harness.ledgerRows();
        expect(written.length).toBeGreaterThanOrEqual(mode === 'after-flush' ? 5 : 2);

        const batch = await harness.open({ workspace });
        const results = await batch.results();
        expect(results.every((result) => result.ok)).toBe(true);
        const rows = await harness.ledgerRows();
        expect(rows).toHaveLength(5);
        expect(new Set(rows.map((row) => row.request_id)).size).toBe(5);
        expect(rows.every((row) => row.batch === 'yes' && row.status === 'ok')).toBe(true);
        // Asked again, nothing more is recorded.
        await batch.results();
        expect(await harness.ledgerRows()).toHaveLength(5);
      },
    );
  },
);

if (!built && !process.env.CI)
  console.warn('[batch] resume tests skipped: packages/batch/dist is missing (run the build first)');
