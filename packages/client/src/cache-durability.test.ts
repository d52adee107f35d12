import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A child that answers `count` prompts through the built client, prints each answer, then SIGKILLs itself. */
const child = (home: string, config: string, count: number) => `
  const { createClient } = await import(${JSON.stringify(dist)});
  const client = createClient({ config: ${JSON.stringify(config)}, home: ${JSON.stringify(home)} });
  for (let i = 0; i < ${count}; i++) {
    const answer = await client.complete({ model: 'gpt-4o-mini', prompt: 'durable ' + i });
    process.stdout.write(JSON.stringify(answer) + '\\n');
  }
  process.kill(process.pid, 'SIGKILL'); // no close(), no flush: as a kill -9 right after the last answer
`;

describe('cache stage: an answer complete() returned survives kill -9', () => {
  beforeAll(() => {
    if (!existsSync(dist))
      throw new Error(`${dist} is missing: run \`pnpm --filter @maxllm/client... build\` first`);
  });

  it('a re-run after a SIGKILL answers every returned answer from the cache, with no request', async () => {
    harness = await startHarness();
    const count = 20;
    const stdout = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', child(harness!.home, harness!.configPath, count)],
        (_error, out) => resolve(out),
      );
    });
    const answers = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown);
    expect(answers).toHaveLength(count);
    const before = harness.requests();
    const rerun = harness.newClient();
    for (let i = 0; i < count; i++) {
      expect(await rerun.complete({ model: 'gpt-4o-mini', prompt: `durable ${i}` })).toEqual(answers[i]);
    }
    expect(harness.requests()).toBe(before);
  }, 60_000);
});
