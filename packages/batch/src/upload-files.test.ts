import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskRecord } from './task-log';
import { inRanges, writeUploadFiles } from './upload-files';

async function* tasks(count: number, endpoint = '/v1/chat/completions'): AsyncGenerator<TaskRecord> {
  await Promise.resolve();
  for (let index = 0; index < count; index += 1) {
    yield {
      customId: String(index),
      cacheKey: `k${index}`,
      namespace: 'ns',
      kind: 'chat',
      endpoint: index % 5 === 4 ? '/v1/completions' : (endpoint as TaskRecord['endpoint']),
      body: { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(40) }] },
      jsonMode: false,
      raw: false,
      promptPreview: '',
      systemPreview: '',
      tokens: 25,
      cached: index % 7 === 6,
      request: {},
    };
  }
}

const unlimited = {
  maxRequestsPerFile: 50_000,
  maxBytesPerFile: 200_000_000,
  maxTokensPerBatch: Number.POSITIVE_INFINITY,
};

describe('writeUploadFiles', () => {
  it('splits by endpoint and request count, skipping excluded tasks', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'batch-up-'));
    const jobs = await writeUploadFiles({
      workspace,
      round: 0,
      tasks: tasks(20),
      include: (task) => !task.cached,
      limits: { ...unlimited, maxRequestsPerFile: 6 },
    });
    const total = jobs.reduce((sum, job) => sum + job.requests, 0);
    expect(total).toBe(20 - 2);
    expect(jobs.every((job) => job.requests <= 6)).toBe(true);
    expect(new Set(jobs.map((job) => job.endpoint))).toEqual(
      new Set(['/v1/chat/completions', '/v1/completions']),
    );
    for (const job of jobs) {
      const lines = (await readFile(join(workspace, job.file), 'utf8')).trim().split('\n');
      expect(lines).toHaveLength(job.requests);
      for (const line of lines) {
        const parsed = JSON.parse(line);
        expect(parsed.url).toBe(job.endpoint);
        expect(parsed.method).toBe('POST');
        expect(inRanges(job.ranges, Number(parsed.custom_id))).toBe(true);
      }
    }
  });

  it('splits by bytes and by estimated tokens', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'batch-up-'));
    const byBytes = await writeUploadFiles({
      workspace,
      round: 0,
      tasks: tasks(10),
      include: () => true,
      limits: { ...unlimited, maxBytesPerFile: 400 },
    });
    expect(byBytes.every((job) => job.bytes <= 400)).toBe(true);
    expect(byBytes.length).toBeGreaterThan(2);
    const byTokens = await writeUploadFiles({
      workspace,
      round: 1,
      tasks: tasks(10),
      include: () => true,
      limits: { ...unlimited, maxTokensPerBatch: 50 },
    });
    expect(byTokens.every((job) => job.tokens <= 50)).toBe(true);
    expect(byTokens.every((job) => job.file.startsWith('uploads/r1-'))).toBe(true);
  });
});

describe('inRanges', () => {
  it('finds indexes inside inclusive ranges only', () => {
    const ranges = [
      [0, 2],
      [5, 5],
      [9, 12],
    ] as const;
    expect([0, 2, 5, 9, 12].every((index) => inRanges(ranges, index))).toBe(true);
    expect([3, 4, 6, 8, 13].some((index) => inRanges(ranges, index))).toBe(false);
  });
});
