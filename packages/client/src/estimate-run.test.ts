import type { CompleteRequest } from '@maxllm/request';
import { createLedger, readLedgerRows } from '@maxllm/ledger';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const prompts = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ prompt: `Write a line about the number ${from + i}.` }));

async function ledgerRows(path: string) {
  const rows = [];
  for await (const row of readLedgerRows(path)) rows.push(row);
  return rows;
}

describe('estimate()', () => {
  it('predicts, within its band, what the run then records, and sends nothing itself', async () => {
    harness = await startHarness({ mock: { output: { meanTokens: 60, spread: 0.5 } } });
    const { client } = harness;
    const ledgerPath = client.config.paths.ledger;
    // History: 20 paid calls of the model.
    await client.batchComplete(prompts(0, 20), { model: 'gpt-4o-mini' });
    await client.close();

    const second = harness.newClient();
    const requestsBefore = harness.requests();
    const file = [...prompts(10, 50)]; // 10 already answered, 30 new
    const estimate = await second.estimate(file, { model: 'gpt-4o-mini' });
    expect(harness.requests()).toBe(requestsBefore);
    expect(estimate).toMatchObject({ prompts: 40, cached: 10, invalid: 0, batchWindowHours: 24 });
    const [model] = estimate.models;
    expect(model).toMatchObject({ uniqueName: 'gpt-4o-mini', prompts: 40, cached: 10, historySamples: 20 });
    expect(model!.outputMethods).toEqual(['history']);
    expect(estimate.costUsd.batch!.expected).toBeCloseTo(estimate.costUsd.online!.expected / 2, 12);

    const rowsBefore = (await ledgerRows(ledgerPath)).length;
    await second.batchComplete(file, { model: 'gpt-4o-mini' });
    await second.close();
    expect(harness.requests() - requestsBefore).toBe(30);
    const paid = (await ledgerRows(ledgerPath)).slice(rowsBefore).filter((row) => row.cache_hit === 'no');
    expect(paid).toHaveLength(30);
    const sum = (column: 'input_tokens' | 'output_tokens' | 'cost_total_usd') =>
      paid.reduce((total, row) => total + Number(row[column]), 0);
    expect(estimate.inputTokens).toBe(sum('input_tokens'));
    const output = sum('output_tokens');
    expect(output).toBeGreaterThanOrEqual(estimate.outputTokens.low);
    expect(output).toBeLessThanOrEqual(estimate.outputTokens.high);
    const cost = sum('cost_total_usd');
    expect(cost).toBeGreaterThanOrEqual(estimate.costUsd.online!.low - 1e-9);
    expect(cost).toBeLessThanOrEqual(estimate.costUsd.online!.high + 1e-9);
    // The expected value is near the truth: within 25% for a uniform ±50% spread over 30 calls.
    expect(Math.abs(estimate.outputTokens.expected - output) / output).toBeLessThan(0.25);
  }, 60_000);

  it('without history, max_tokens bounds the output and the method says so', async () => {
    harness = await startHarness();
    const estimate = await harness.client.estimate([{ prompt: 'a', max_tokens: 100 }, { prompt: 'b' }], {
      model: 'gpt-4o-mini',
    });
    expect(estimate.models[0]!.outputMethods.sort()).toEqual(['default', 'max_tokens']);
    expect(estimate.outputTokens.high).toBe(100 + 2000);
    expect(estimate.outputTokens.low).toBe(0);
  });

  it('time to finish: the slowest of rpm, tpm and concurrency at the median recent latency', async () => {
    harness = await startHarness({ params: { concurrency: 2 } });
    const ledger = createLedger({ path: harness.client.config.paths.ledger });
    for (const latencyMs of [1000, 2000, 2000, 3000, 9000]) {
      ledger.record({
        model: 'gpt-4o-mini',
        uniqueName: 'gpt-4o-mini',
        usage: { inputTokens: 10, outputTokens: 10 },
        prices: {},
        latencyMs,
        cacheHit: false,
        batch: false,
        status: 'ok',
      });
    }
    await ledger.close();
    const estimate = await harness.client.estimate(prompts(0, 10), { model: 'gpt-4o-mini' });
    expect(estimate.models[0]!.medianLatencySec).toBe(2);
    // 10 prompts, 2 at a time, 2 s each: 10 s (rpm and tpm allow far more).
    expect(estimate.onlineSeconds).toBeCloseTo(10, 9);
  });

  it('reports a request it cannot prepare, and goes on', async () => {
    harness = await startHarness();
    const bad: unknown = { nothing: 1 };
    const estimate = await harness.client.estimate([{ prompt: 'ok' }, bad as CompleteRequest], {
      model: 'gpt-4o-mini',
    });
    expect(estimate).toMatchObject({ prompts: 2, invalid: 1 });
    expect(estimate.errors[0]).toMatch(/^request 2: /);
  });

  it('leaves the cost out where a model has no price', async () => {
    harness = await startHarness();
    const estimate = await harness.client.estimate([{ prompt: 'x' }], { model: 'no-such-priced-model' });
    expect(estimate.costUsd.online).toBeUndefined();
    expect(estimate.models[0]!.costUsd).toEqual({});
    expect(estimate.inputTokens).toBeGreaterThan(0);
  });
});
