import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TaskLog, recoverTaskLog } from './task-log';
import type { TaskRecord } from './task-log';

function task(index: number): TaskRecord {
  return {
    customId: String(index),
    cacheKey: `k${index}`,
    namespace: 'ns',
    kind: 'chat',
    endpoint: '/v1/chat/completions',
    body: { model: 'm', messages: [{ role: 'user', content: `q${index}` }] },
    jsonMode: false,
    raw: false,
    promptPreview: `q${index}`,
    systemPreview: '',
    tokens: 10,
    cached: false,
    request: { prompt: `q${index}` },
  };
}

describe('TaskLog', () => {
  it('writes lines in reserved order even when filled out of order', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'batch-log-')), 'tasks.jsonl');
    const log = new TaskLog(path, 0);
    const ids = [log.reserve(), log.reserve(), log.reserve()];
    void log.fill(ids[2]!, task(2));
    void log.fill(ids[0]!, task(0));
    await log.flush();
    expect(log.written).toBe(1);
    void log.fill(ids[1]!, task(1));
    await log.close();
    expect(log.written).toBe(3);
    const seen: string[] = [];
    for await (const record of log.read()) seen.push(record.customId);
    expect(seen).toEqual(['0', '1', '2']);
  });

  it('continues numbering after the lines already on disk', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'batch-log-')), 'tasks.jsonl');
    const first = new TaskLog(path, 0);
    void first.fill(first.reserve(), task(0));
    await first.close();
    const second = new TaskLog(path, await recoverTaskLog(path));
    expect(second.reserve()).toBe(1);
  });

  it('cuts a partial trailing line left by a crash', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'batch-log-')), 'tasks.jsonl');
    const log = new TaskLog(path, 0);
    void log.fill(log.reserve(), task(0));
    void log.fill(log.reserve(), task(1));
    await log.close();
    await appendFile(path, '{"customId":"2","cacheK');
    expect(await recoverTaskLog(path)).toBe(2);
    expect((await readFile(path, 'utf8')).endsWith('}\n')).toBe(true);
  });

  it('treats a missing file as empty', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'batch-log-')), 'none.jsonl');
    expect(await recoverTaskLog(path)).toBe(0);
  });
});

describe('backpressure', () => {
  it('makes a writer that outpaces the disk wait for the buffered lines to be written', async () => {
    // enqueue() can finish without ever yielding to I/O (cache misses are answered synchronously), so without
    // backpressure the whole log would stay in memory until close().
    const path = join(await mkdtemp(join(tmpdir(), 'batch-log-')), 'tasks.jsonl');
    const log = new TaskLog(path, 0);
    const big = { ...task(0), body: { padding: 'x'.repeat(4096) } } as TaskRecord;
    for (let index = 0; index < 600; index += 1) {
      await log.fill(log.reserve(), { ...big, customId: String(index) });
    }
    // Checked before this test itself waits for any I/O: only awaiting fill() can have let the writes happen.
    const writtenWhileFilling = log.written;
    expect(writtenWhileFilling).toBeGreaterThan(200);
    const onDisk = (await readFile(path, 'utf8')).split('\n').length - 1;
    expect(onDisk).toBeGreaterThanOrEqual(writtenWhileFilling);
    await log.close();
  });
});
