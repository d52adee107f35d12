import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { redisUrlForTests } from '@maxllm/core/test-redis';
import { BudgetExceededError, createLedger, readLedgerRows, UnpricedUnderBudgetError } from '@maxllm/ledger';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchStoppedError } from './errors';
import { startHarness, type Harness } from './test-harness';

const redisUrl = await redisUrlForTests('client: the shared daily budget test');

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const PRICES = { input_cost_per_million: 1000, output_cost_per_million: 2000 };
const prompt = (i: number) => ({ prompt: `budget question ${i}`, max_tokens: 20 });

async function paidCost(path: string): Promise<number> {
  let total = 0;
  for await (const row of readLedgerRows(path)) total += Number(row.cost_total_usd || 0);
  return total;
}

describe('budgets', () => {
  it('maxUsd on the client: the call that could cross the cap is refused and never sent', async () => {
    harness = await startHarness({ params: PRICES, mock: { output: { meanTokens: 15 } } });
    const client = harness.newClient({ maxUsd: 0.2 });
    let refused: unknown;
    let answered = 0;
    for (let i = 0; i < 20 && refused === undefined; i++) {
      try {
        await client.complete(prompt(i));
        answered += 1;
      } catch (error) {
        refused = error;
      }
    }
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect((refused as Error).message).toMatch(/Nothing was sent/);
    expect(harness.requests()).toBe(answered);
    await client.close();
    const spent = await paidCost(client.config.paths.ledger);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(0.2);
    // Each call costs about 0.02–0.07: most of the budget is used, not refused early.
    expect(answered).toBeGreaterThanOrEqual(3);
  });

  it('batchComplete({ maxUsd }) stops at the cap: spend within it, the rest not sent', async () => {
    harness = await startHarness({ params: PRICES, mock: { output: { meanTokens: 15 } } });
    const items = Array.from({ length: 40 }, (_, i) => prompt(i));
    const error = await harness.client
      .batchComplete(items, { maxUsd: 0.3, concurrency: 4, progress: false })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BatchStoppedError);
    expect((error as BatchStoppedError).cause).toBeInstanceOf(BudgetExceededError);
    const sent = harness.requests();
    expect(sent).toBeLessThan(40);
    await harness.client.close();
    const spent = await paidCost(harness.client.config.paths.ledger);
    expect(spent).toBeLessThanOrEqual(0.3);
    expect((error as BatchStoppedError).finished).toBeGreaterThanOrEqual(sent);
  });

  it('a daily budget counts the spend already in today’s ledger (a restart mid-day)', async () => {
    harness = await startHarness({
      params: PRICES,
      mock: { output: { meanTokens: 15 } },
      config: { budget: { max_usd_per_day: 1 } },
    });
    const ledgerPath = harness.client.config.paths.ledger;
    const morning = createLedger({ path: ledgerPath });
    morning.record({
      model: 'gpt-4o-mini',
      uniqueName: 'gpt-4o-mini',
      usage: { inputTokens: 990, outputTokens: 0 },
      prices: { inputPerMillion: 1000, outputPerMillion: 2000 },
      cacheHit: false,
      batch: false,
      status: 'ok',
    });
    await morning.close();
    const before = harness.requests();
    const error = await harness.client.complete(prompt(1)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).details).toMatchObject({ spentUsd: 0.99 });
    expect(harness.requests()).toBe(before);
  });

  it('a model with no known price is refused under a budget unless allowUnpriced', async () => {
    harness = await startHarness();
    const strict = harness.newClient({ maxUsd: 5 });
    await expect(strict.complete({ prompt: 'x', model: 'unpriced-model-x' })).rejects.toBeInstanceOf(
      UnpricedUnderBudgetError,
    );
    expect(harness.requests()).toBe(0);
    const lenient = harness.newClient({ maxUsd: 5, allowUnpriced: true });
    await expect(lenient.complete({ prompt: 'x', model: 'unpriced-model-x' })).resolves.toBeTypeOf('string');
  });

  it.skipIf(!redisUrl)(
    'three processes sharing a daily budget through Redis stay within it together',
    async () => {
      const day = randomUUID();
      harness = await startHarness({
        params: { ...PRICES, model_unique_name: `budget-${day}` },
        mock: { output: { meanTokens: 15 } },
        // A cap on this test's own model: the day's counter in Redis is shared with every run of this test today.
        config: {
          budget: { models: { [`budget-${day}`]: { max_usd_per_day: 0.5 } } },
          rate_limit: { redis_url: redisUrl },
        },
      });
      const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
      const script = join(harness.home, 'spend.mjs');
      await writeFile(
        script,
        `import { createClient } from ${JSON.stringify(dist)};
const client = createClient({ config: process.argv[2], home: process.argv[3], env: { REDIS_URL: ${JSON.stringify(redisUrl)} } });
let sent = 0;
for (let i = 0; i < 30; i++) {
  try { await client.complete({ prompt: 'p' + process.argv[4] + '-' + i, max_tokens: 20 }); sent++; }
  catch (error) { if (error.name !== 'BudgetExceededError') throw error; break; }
}
await client.close();
console.log(sent);
`,
      );
      const run = promisify(execFile);
      const outputs = await Promise.all(
        [1, 2, 3].map((n) => run(process.execPath, [script, harness!.configPath, harness!.home, String(n)])),
      );
      const sent = outputs.reduce((total, { stdout }) => total + Number(stdout.trim()), 0);
      expect(sent).toBe(harness.requests());
      const spent = await paidCost(harness.client.config.paths.ledger);
      expect(spent).toBeGreaterThan(0.3);
      expect(spent).toBeLessThanOrEqual(0.5);
    },
    60_000,
  );
});
