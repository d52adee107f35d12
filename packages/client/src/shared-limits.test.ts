import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { redisUrlForTests } from '@maxllm/core/test-redis';
import { createMockServer, type MockServer } from '@maxllm/mock-server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildClientDist, clientDir } from './dist-build';

const run = promisify(execFile);
const redisUrl = await redisUrlForTests('client: the multi-process shared-limit test');

const worker = join(clientDir, 'test', 'fixtures', 'shared-worker.mjs');
/** Window of the limit on both sides (the client's `rateWindowMs`); a slower machine may set a longer one. */
const WINDOW_MS = Number(process.env.MAXLLM_SHARED_WINDOW_MS ?? 6000);
/** The config's limit per window, shared through Redis as one sliding-window budget for the whole cluster. */
const RPM = 66;
const PROCESSES = 3;
/** 24 each: 72 prompts, more than one window's limit (so unshared limiters would get 429s at once). */
const PROMPTS_EACH = 24;

let server: MockServer | undefined;
let home = '';
afterEach(async () => {
  await server?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe.skipIf(!redisUrl)('three processes share one limit through MAXLLM_REDIS_URL (built client)', () => {
  beforeAll(() => {
    buildClientDist();
  }, 300_000); // turbo rebuilds what changed; minutes on a loaded 2-core host

  it('stay under one strict limit together (zero 429s) and use >= 95% of it', async () => {
    // The mock enforces the limit over ANY trailing window (sliding log); the client's window is the same length.
    // Three unshared limiters would each send up to the whole limit at once: 72 requests, 429s in the first window.
    server = await createMockServer({ limits: { rpm: RPM }, windowMs: WINDOW_MS });
    home = await mkdtemp(join(tmpdir(), 'maxllm-shared-'));
    const config = join(home, 'maxllm.yaml');
    // burst: a whole window at once (no pacing): this test is about sharing one window between processes.
    const params = {
      model: null,
      api_base: server.url,
      api_key: 'sk-shared-test',
      rpm: RPM,
      tpm: 1e9,
      burst: WINDOW_MS / 1000,
    };
    await writeFile(config, JSON.stringify({ model_list: [{ model_name: '*', litellm_params: params }] }));
    // A fresh model name is a fresh shared limit (the Redis keys are named after it): no state from other runs.
    const model = `shared-${randomUUID()}`;
    const env = { ...process.env, MAXLLM_REDIS_URL: redisUrl };
    const outputs = await Promise.all(
      Array.from({ length: PROCESSES }, (_, index) => {
        const args = [worker, config, join(home, `w${index}`), model, `w${index}`, `${PROMPTS_EACH}`];
        return run(process.execPath, [...args, `${WINDOW_MS}`], { env, cwd: clientDir });
      }),
    );
    const times: number[] = [];
    for (const { stdout } of outputs) {
      const output = JSON.parse(stdout) as { answered: number; total: number; times: number[] };
      expect(output).toMatchObject({ answered: PROMPTS_EACH, total: PROMPTS_EACH });
      times.push(...output.times);
    }
    const stats = server.stats();
    expect(stats.rateLimited).toBe(0);
    expect(stats.byModel[model]?.requests).toBe(PROCESSES * PROMPTS_EACH);
    // Utilisation: the answers inside the busiest window, over the limit.
    expect(busiestWindow(times, WINDOW_MS) / RPM).toBeGreaterThanOrEqual(0.95);
  }, 300_000); // three child processes, each with its own start-up, on a loaded 2-core host
});

/** Most timestamps inside any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}
