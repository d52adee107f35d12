import { createMockServer } from '@maxllm/mock-server';
import { describe, expect, it } from 'vitest';
import { createTestHome } from './test-env';
import { runCli } from './test-support';

describe('maxllm bench', () => {
  it('measures every member with fresh (uncached) requests and suggests a weight string', async () => {
    const server = await createMockServer({
      output: { meanTokens: 5 },
      models: { 'model-a': { latency: { meanMs: 5 } }, 'model-b': { latency: { meanMs: 20 } } },
    });
    try {
      const test = createTestHome(server.url);
      for (let round = 0; round < 2; round += 1) {
        const result = await runCli(
          ['bench', 'model-a:3+model-b', '-n', '12', '-t', '64', '-o', '8', '--json'],
          { env: test.env },
        );
        expect(result.code).toBe(0);
        const report = JSON.parse(result.stdout) as {
          results: Array<{ model: string; prompts: number; errors: number; qps: number }>;
          suggestion: string;
        };
        expect(report.results.map((member) => [member.model, member.prompts, member.errors])).toEqual([
          ['model-a', 12, 0],
          ['model-b', 12, 0],
        ]);
        expect(report.results.every((member) => member.qps > 0)).toBe(true);
        expect(report.suggestion).toMatch(/^model-a:\d+(\.\d+)?\+model-b:\d+(\.\d+)?$/);
      }
      // Never from the cache: both rounds reached the server.
      expect(server.stats().byModel['model-a']?.requests).toBe(24);
      expect(server.stats().byModel['model-b']?.requests).toBe(24);
      const table = await runCli(['bench', 'model-a', '-n', '3', '-t', '16', '-o', '4'], { env: test.env });
      expect(table.stdout).toMatch(/^model-a\s+3\s+0\s+[\d.]+\s+[\d.]+/m);
      expect(table.stdout).toMatch(/suggested model string: model-a:[\d.]+$/m);
    } finally {
      await server.close();
    }
  });

  it('rejects a bad prompt count', async () => {
    const result = await runCli(['bench', 'gpt-4o-mini', '-n', 'many']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--num-prompts expects a positive integer/);
  });
});
