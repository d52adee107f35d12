import { join } from 'node:path';
import { createResponseCache } from '@maxllm/cache';
import { describe, expect, it } from 'vitest';
import { createTestHome } from './test-env';
import { runCli } from './test-support';

async function seed(home: string): Promise<void> {
  const old = Date.now() - 40 * 86_400_000;
  // An entry stored 40 days ago: a cache whose clock says so.
  const past = createResponseCache({
    dir: join(home, 'cache'),
    clock: {
      now: () => old,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
  });
  const cache = createResponseCache({ dir: join(home, 'cache') });
  const entry = (model: string, createdAt: number) => ({
    response: { id: 'x', choices: [{ message: { content: 'hi' } }] },
    meta: { createdAt, model, keyVersion: 1 },
  });
  await past.set('gpt-4o-mini', 'k1', entry('gpt-4o-mini', old));
  await cache.set('gpt-4o-mini', 'k2', entry('gpt-4o-mini', Date.now()));
  await cache.set('glm-4.6', 'k3', entry('glm-4.6', Date.now()));
  await past.close();
  await cache.close();
}

describe('maxllm cache', () => {
  it('stats, prune, clear one model, clear all', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1');
    await seed(test.home);
    const stats = await runCli(['cache', 'stats', '--json'], { env: test.env });
    expect(stats.code).toBe(0);
    const parsed = JSON.parse(stats.stdout);
    expect(parsed.entries).toBe(3);
    expect(parsed.namespaces['gpt-4o-mini'].entries).toBe(2);
    const table = await runCli(['cache', 'stats'], { env: test.env });
    expect(table.stdout).toMatch(/gpt-4o-mini\s+2/);
    expect(table.stdout).toMatch(/total\s+3/);

    const prune = await runCli(['cache', 'prune', '--older-than', '30d'], { env: test.env });
    expect(prune.code).toBe(0);
    expect(prune.stdout).toMatch(/removed 1 entry/);

    const refused = await runCli(['cache', 'clear', 'gpt-4o-mini'], { env: test.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refusing without --yes/);

    const one = await runCli(['cache', 'clear', 'gpt-4o-mini', '--yes'], { env: test.env });
    expect(one.code).toBe(0);
    const after = JSON.parse((await runCli(['cache', 'stats', '--json'], { env: test.env })).stdout);
    expect(after.entries).toBe(1);
    expect(after.namespaces['glm-4.6'].entries).toBe(1);

    const all = await runCli(['cache', 'clear', '-y'], { env: test.env });
    expect(all.code).toBe(0);
    expect(JSON.parse((await runCli(['cache', 'stats', '--json'], { env: test.env })).stdout).entries).toBe(
      0,
    );
  });

  it('verify reports what it checked', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1');
    await seed(test.home);
    const result = await runCli(['cache', 'verify', '--json'], { env: test.env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.verifiedContent).toBeGreaterThanOrEqual(1);
    expect(report.badContentCount).toBe(0);
  });

  it('a bad duration is a usage error', async () => {
    const test = createTestHome('http://127.0.0.1:9/v1');
    const result = await runCli(['cache', 'prune', '--older-than', 'soon'], { env: test.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--older-than: "soon" is not a duration/);
  });
});
