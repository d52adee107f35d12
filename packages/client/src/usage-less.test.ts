import { readLedgerRows } from '@maxllm/ledger';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingFetch, startHarness, type Harness } from './test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Drops `usage` from every JSON answer, as some proxies and local servers do. */
const withoutUsage = () =>
  recordingFetch((json) => {
    const { usage: _usage, ...rest } = json as Record<string, unknown>;
    return rest;
  });

async function rowsOf(path: string) {
  const rows = [];
  for await (const row of readLedgerRows(path)) rows.push(row);
  return rows;
}

// Issue 17 item 11: a response without `usage` left its ledger row with empty tokens and cost, and no warning.
describe('responses without usage', () => {
  it('get estimated tokens and a cost in their row, marked estimated, with one warning per model', async () => {
    harness = await startHarness({
      client: { fetch: withoutUsage().fetch },
      params: { input_cost_per_million: 1, output_cost_per_million: 2 },
    });
    const first = await harness.client.complete({ model: 'gpt-4o-mini', prompt: 'Write two sentences.' });
    await harness.client.complete({ model: 'gpt-4o-mini', prompt: 'Write three sentences.' });
    // Cached all the same (decided: the answer was paid for): the hit row carries the same estimate.
    expect(await harness.client.complete({ model: 'gpt-4o-mini', prompt: 'Write two sentences.' })).toBe(
      first,
    );
    await harness.client.close();

    const rows = await rowsOf(harness.client.config.paths.ledger);
    expect(rows.map((row) => row.cache_hit)).toEqual(['no', 'no', 'yes']);
    for (const row of rows) {
      expect(Number(row.input_tokens)).toBeGreaterThan(0);
      expect(Number(row.output_tokens)).toBeGreaterThan(0);
      expect(Number(row.cost_total_usd)).toBeCloseTo(
        (Number(row.input_tokens) * 1 + Number(row.output_tokens) * 2) / 1e6,
        12,
      );
      expect(row.price_source).toBe('config; estimated tokens');
    }
    // Paid rows: the input count is the estimate the limiter reserved; the hit row repeats its paid row's counts.
    expect(rows[0]?.input_tokens).toBe(rows[0]?.estimated_input_tokens);
    expect(rows[1]?.input_tokens).toBe(rows[1]?.estimated_input_tokens);
    expect([rows[2]?.input_tokens, rows[2]?.output_tokens]).toEqual([
      rows[0]?.input_tokens,
      rows[0]?.output_tokens,
    ]);
    const warnings = harness.logs.filter((line) => line.includes('answered without usage'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('gpt-4o-mini');
    // The call status counts the estimated cost.
    expect(harness.client.getCallStatus()['gpt-4o-mini']?.costUsd).toBeGreaterThan(0);
  }, 20_000);

  it('a stream without a usage chunk is recorded the same way', async () => {
    harness = await startHarness({ params: { input_cost_per_million: 1, output_cost_per_million: 2 } });
    harness.server.enqueueFaults([{ fault: 'no-usage' }]);
    let text = '';
    for await (const delta of harness.client.stream({ model: 'gpt-4o-mini', prompt: 'stream it' }))
      text += delta;
    expect(text.length).toBeGreaterThan(0);
    await harness.client.close();
    const [row] = await rowsOf(harness.client.config.paths.ledger);
    expect(row?.status).toBe('ok');
    expect(row?.input_tokens).toBe(row?.estimated_input_tokens);
    expect(Number(row?.output_tokens)).toBeGreaterThan(0);
    expect(row?.price_source).toBe('config; estimated tokens');
    expect(harness.logs.filter((line) => line.includes('answered without usage'))).toHaveLength(1);
  }, 20_000);

  it('a response with usage is not marked', async () => {
    harness = await startHarness({ params: { input_cost_per_million: 1, output_cost_per_million: 2 } });
    await harness.client.complete({ model: 'gpt-4o-mini', prompt: 'hello' });
    await harness.client.close();
    const [row] = await rowsOf(harness.client.config.paths.ledger);
    expect(row?.price_source).toBe('config');
    expect(harness.logs.filter((line) => line.includes('answered without usage'))).toEqual([]);
  });
});
