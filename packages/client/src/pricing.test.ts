import { priceCall, readLedgerRows } from '@maxllm/ledger';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('ledger prices from the client', () => {
  it('passes provider:, api_base and the reported service tier to the ledger', async () => {
    harness = await startHarness({
      models: [
        { model_name: 'llama', litellm_params: { model: 'llama-3.3-70b-versatile', provider: 'groq' } },
      ],
    });
    await harness.client.complete({ model: 'llama', prompt: 'hello' });
    await harness.client.complete({ model: 'text-embedding-3-small', input: 'hello' });
    await harness.client.close();
    const rows = [];
    for await (const row of readLedgerRows(harness.client.config.paths.ledger)) rows.push(row);
    expect(rows).toHaveLength(2);
    const [chat, embedding] = rows;
    const usage = { inputTokens: Number(chat!.input_tokens), outputTokens: Number(chat!.output_tokens) };
    // The mock reports service_tier "default"; the row keeps it, and the price is groq's (found by provider:).
    expect(chat).toMatchObject({ service_tier: 'default', cache_hit: 'no' });
    expect(Number(chat!.cost_total_usd)).toBeCloseTo(
      priceCall(usage, 'llama-3.3-70b-versatile', { provider: 'groq' }).totalUsd!,
      9,
    );
    expect(Number(chat!.cost_total_usd)).toBeGreaterThan(0);
    // An embedding model behind a proxy URL is still found in OpenAI's list.
    expect(Number(embedding!.cost_total_usd)).toBeCloseTo(Number(embedding!.input_tokens) * 0.02e-6, 12);
  });
});
