import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHome } from './test-env';
import { runCli } from './test-support';

let server: MockServer;
beforeAll(async () => {
  server = await createMockServer({ output: { meanTokens: 40 } });
});
afterAll(() => server.close());

describe('maxllm estimate', () => {
  it('counts what the cache answers and prices the rest, sending nothing', async () => {
    const test = createTestHome(server.url, { rpm: 60, tpm: 1_000_000 });
    const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ prompt: `question ${i}`, id: i }));
    const first = join(test.root, 'first.jsonl');
    const all = join(test.root, 'all.jsonl');
    writeFileSync(first, lines.slice(0, 6).join('\n') + '\n');
    writeFileSync(all, lines.join('\n') + '\n');
    expect((await runCli(['run', first, '-o', join(test.root, 'out.jsonl')], { env: test.env })).code).toBe(
      0,
    );
    const before = server.stats().requests;

    const json = await runCli(['estimate', all, '--json'], { env: test.env });
    expect(json.code).toBe(0);
    const estimate = JSON.parse(json.stdout);
    expect(estimate).toMatchObject({ prompts: 12, cached: 6, invalid: 0 });
    expect(estimate.models[0]).toMatchObject({ uniqueName: 'gpt-4o-mini', historySamples: 6 });
    // 6 prompts at 60 rpm: 6 seconds.
    expect(estimate.onlineSeconds).toBeCloseTo(6, 5);
    expect(estimate.costUsd.online.high).toBeGreaterThan(0);

    const table = await runCli(['estimate', all], { env: test.env });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/12 prompts, 6 already answered in the cache \(\$0\)/);
    expect(table.stdout).toMatch(/Batch API/);
    expect(table.stdout).toMatch(/within 24 h/);
    expect(server.stats().requests).toBe(before);
  });

  it('a missing file is a usage error', async () => {
    const test = createTestHome(server.url);
    const result = await runCli(['estimate', join(test.root, 'nope.jsonl')], { env: test.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/does not exist/);
  });
});
