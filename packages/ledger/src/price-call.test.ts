import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallUsage } from './call-record';
import { createLedger } from './ledger';
import { priceCall } from './price-call';
import { priceDataSource } from './price-data';
import { resolvePrices } from './resolve-prices';
import { memoryLogger, readCsv, tempDir } from './test-helpers';

const overrides = { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 };

/** One case of the table: a call, and what `calcPrice` (times the tier factor) says it costs. */
interface PriceCase {
  name: string;
  model: string;
  usage: CallUsage;
  provider?: string;
  apiBase?: string;
  serviceTier?: string;
  batch?: boolean;
  /** Options for the reference `calcPrice` call. */
  reference?: { providerId?: string; providerApiUrl?: string };
  /** Tier factor the reference is multiplied by. @default 1 */
  factor?: number;
}

const small: CallUsage = { inputTokens: 10_000, cachedInputTokens: 5_000, outputTokens: 1_000 };
const long: CallUsage = { inputTokens: 300_000, cachedInputTokens: 100_000, outputTokens: 2_000 };

const cases: PriceCase[] = [
  { name: 'anthropic, cached (issue example)', model: 'claude-sonnet-4-5', usage: small },
  { name: 'anthropic, long-context tier', model: 'claude-sonnet-4-5', usage: long },
  {
    name: 'anthropic, cache write',
    model: 'claude-opus-4-1',
    usage: { inputTokens: 20_000, cachedInputTokens: 4_000, cacheWriteTokens: 10_000, outputTokens: 500 },
  },
  {
    name: 'anthropic alias, cache write, long tier',
    model: 'claude-sonnet-4-5',
    usage: { inputTokens: 250_000, cacheWriteTokens: 200_000, outputTokens: 100 },
  },
  { name: 'anthropic haiku alias', model: 'claude-3-5-haiku', usage: small },
  { name: 'google, cached (issue example)', model: 'gemini-2.5-pro', usage: small },
  { name: 'google, long-context tier', model: 'gemini-2.5-pro', usage: long },
  { name: 'google flash', model: 'gemini-2.5-flash', usage: small },
  { name: 'openai, cached', model: 'gpt-4o-mini', usage: small },
  {
    name: 'openai, reasoning tokens',
    model: 'o3',
    usage: { inputTokens: 3_000, outputTokens: 9_000, reasoningTokens: 8_000 },
  },
  { name: 'openai, flex', model: 'gpt-5', usage: small, serviceTier: 'flex', factor: 0.5 },
  { name: 'openai, priority', model: 'gpt-5', usage: small, serviceTier: 'priority', factor: 2 },
  { name: 'openai mini, priority', model: 'gpt-5-mini', usage: small, serviceTier: 'priority', factor: 1.8 },
  { name: 'openai 4.1, priority', model: 'gpt-4.1', usage: small, serviceTier: 'priority', factor: 1.75 },
  {
    name: 'openai 4o mini, priority',
    model: 'gpt-4o-mini',
    usage: small,
    serviceTier: 'priority',
    factor: 0.25 / 0.15,
  },
  {
    name: 'openai o4-mini, priority',
    model: 'o4-mini',
    usage: small,
    serviceTier: 'priority',
    factor: 2 / 1.1,
  },
  { name: 'openai 5.5, priority', model: 'gpt-5.5', usage: small, serviceTier: 'priority', factor: 2.5 },
  {
    name: 'openai 5.4 mini, priority',
    model: 'gpt-5.4-mini',
    usage: small,
    serviceTier: 'priority',
    factor: 2,
  },
  { name: 'openai, default tier reported', model: 'gpt-4.1', usage: small, serviceTier: 'default' },
  { name: 'openai, batch', model: 'gpt-4o-mini', usage: small, batch: true, factor: 0.5 },
  {
    name: 'openai, batch beats tier',
    model: 'gpt-4.1',
    usage: small,
    batch: true,
    serviceTier: 'priority',
    factor: 0.5,
  },
  {
    name: 'embedding without api_base',
    model: 'text-embedding-3-small',
    usage: { inputTokens: 123_456, outputTokens: 0 },
    reference: { providerId: 'openai' },
  },
  {
    name: 'embedding at the OpenAI URL',
    model: 'text-embedding-3-large',
    apiBase: 'https://api.openai.com/v1',
    usage: { inputTokens: 50_000, outputTokens: 0 },
    reference: { providerApiUrl: 'https://api.openai.com/v1' },
  },
  {
    name: 'provider from api_base',
    model: 'deepseek-chat',
    apiBase: 'https://api.deepseek.com/v1',
    usage: small,
    reference: { providerApiUrl: 'https://api.deepseek.com/v1' },
  },
  {
    name: 'provider from provider:',
    model: 'llama-3.3-70b-versatile',
    provider: 'groq',
    usage: small,
    reference: { providerId: 'groq' },
  },
  { name: 'x-ai dated alias', model: 'grok-4', usage: small },
  { name: 'mistral, no cached rate', model: 'mistral-large-latest', usage: small },
];

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe('prices agree with @pydantic/genai-prices calcPrice', () => {
  it(`prices ${cases.length} cases (${new Set(cases.map((c) => c.model)).size} models) like the package, in priceCall and in the ledger, to 1e-9 USD`, async () => {
    expect(new Set(cases.map((c) => c.model)).size).toBeGreaterThanOrEqual(15);
    const path = join(dir, 'openai_calls.csv');
    const logger = memoryLogger();
    const ledger = createLedger({ path, logger });
    const expected: number[] = [];
    for (const item of cases) {
      const usage = item.usage;
      const reference = calcPrice(
        {
          input_tokens: usage.inputTokens,
          cache_read_tokens: usage.cachedInputTokens ?? 0,
          cache_write_tokens: usage.cacheWriteTokens ?? 0,
          output_tokens: usage.outputTokens,
          output_reasoning_tokens: usage.reasoningTokens ?? 0,
        },
        item.model,
        item.reference,
      );
      expect(reference, item.name).not.toBeNull();
      const want = reference!.total_price * (item.factor ?? 1);
      expected.push(want);
      const options = {
        provider: item.provider,
        apiBase: item.apiBase,
        serviceTier: item.serviceTier,
        batch: item.batch,
      };
      const cost = priceCall(usage, item.model, options);
      expect(Math.abs(cost.totalUsd! - want), item.name).toBeLessThan(1e-9);
      expect(Math.abs(cost.inputUsd! - reference!.input_price * (item.factor ?? 1)), item.name).toBeLessThan(
        1e-9,
      );
      expect(cost.source, item.name).toBe(priceDataSource);
      ledger.record({
        model: item.model,
        uniqueName: item.name,
        usage,
        cacheHit: false,
        batch: item.batch ?? false,
        status: 'ok',
        ...(item.serviceTier !== undefined ? { serviceTier: item.serviceTier } : {}),
        ...(item.provider !== undefined ? { provider: item.provider } : {}),
        ...(item.apiBase !== undefined ? { apiBase: item.apiBase } : {}),
      });
    }
    await ledger.close();
    const { rows } = await readCsv(path);
    expect(rows).toHaveLength(cases.length);
    rows.forEach((row, index) => {
      const item = cases[index]!;
      expect(Math.abs(Number(row.cost_total_usd) - expected[index]!), item.name).toBeLessThan(1e-9);
      expect(row.price_source, item.name).toBe(priceDataSource);
      expect(row.service_tier, item.name).toBe(item.batch === true ? 'batch' : (item.serviceTier ?? ''));
    });
    expect(logger.warnings).toEqual([]);
  });

  it('matches the figures quoted in issue 16 (10k input, 5k cached, 1k output)', () => {
    expect(priceCall(small, 'claude-sonnet-4-5').totalUsd).toBeCloseTo(0.0315, 12);
    expect(priceCall(small, 'gemini-2.5-pro').totalUsd).toBeCloseTo(0.016875, 12);
  });

  it('prices the long-context tier only above its threshold', () => {
    const below = priceCall({ inputTokens: 200_000, outputTokens: 0 }, 'claude-sonnet-4-5').totalUsd!;
    const above = priceCall({ inputTokens: 200_001, outputTokens: 0 }, 'claude-sonnet-4-5').totalUsd!;
    expect(below).toBeCloseTo(0.6, 12); // $3 / M
    expect(above).toBeCloseTo(200_001 * 6e-6, 12); // $6 / M for the whole prompt
  });
});

describe('priceCall', () => {
  it('prices uncached input, cached input and output at the config rates', () => {
    const cost = priceCall(
      { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 250_000 },
      'my-model',
      { overrides },
    );
    // 600k * $2/M + 400k * $0.5/M = 1.2 + 0.2; 250k * $8/M = 2
    expect(cost.inputUsd).toBeCloseTo(1.4, 12);
    expect(cost.outputUsd).toBeCloseTo(2, 12);
    expect(cost.totalUsd).toBeCloseTo(3.4, 12);
    expect(cost.source).toBe('config');
  });

  it('halves every rate for batch calls', () => {
    const usage = { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 250_000 };
    expect(priceCall(usage, 'my-model', { overrides, batch: true }).totalUsd).toBeCloseTo(1.7, 12);
  });

  it('leaves costs undefined without usage, for an unknown model or tier, but needs no rate for zero tokens', () => {
    expect(priceCall(undefined, 'my-model', { overrides }).totalUsd).toBeUndefined();
    const cost = priceCall({ inputTokens: 10, outputTokens: 5 }, 'no-such-model-xyz');
    expect(cost).toEqual({
      inputUsd: undefined,
      outputUsd: undefined,
      totalUsd: undefined,
      source: 'unknown',
    });
    expect(priceCall({ inputTokens: 0, outputTokens: 0 }, 'no-such-model-xyz').totalUsd).toBe(0);
    // Priority prices are listed for some OpenAI models only; Anthropic has no flex tier.
    expect(priceCall(small, 'gpt-5-nano', { serviceTier: 'priority' }).totalUsd).toBeUndefined();
    expect(priceCall(small, 'claude-sonnet-4-5', { serviceTier: 'flex' }).totalUsd).toBeUndefined();
    expect(priceCall(small, 'gpt-5', { serviceTier: 'auto' }).totalUsd).toBe(
      priceCall(small, 'gpt-5').totalUsd,
    );
  });

  it('never prices with another provider than the one named or matched by URL', () => {
    expect(priceCall(small, 'gpt-4o-mini', { provider: 'anthropic' }).totalUsd).toBeUndefined();
    expect(
      priceCall(small, 'gpt-4o-mini', { apiBase: 'https://api.anthropic.com/v1' }).totalUsd,
    ).toBeUndefined();
    // An unknown URL (a proxy, the mock) falls back to matching the model id.
    expect(priceCall(small, 'gpt-4o-mini', { apiBase: 'http://127.0.0.1:9999/v1' }).totalUsd).toBeCloseTo(
      0.001725,
      12,
    );
  });
});

describe('resolvePrices', () => {
  it('reads gpt-4o-mini from the price data package, cached input discounted', () => {
    const prices = resolvePrices('gpt-4o-mini');
    expect(prices.source).toBe(priceDataSource);
    expect(priceDataSource).toMatch(/^@pydantic\/genai-prices@\d+\.\d+\.\d+/);
    expect(prices.inputPerMillion).toBeCloseTo(0.15, 9);
    expect(prices.outputPerMillion).toBeCloseTo(0.6, 9);
    expect(prices.cachedInputPerMillion).toBeCloseTo(0.075, 9);
    expect(prices.providerId).toBe('openai');
  });

  it('reads base-tier rates of a tiered model', () => {
    const prices = resolvePrices('claude-sonnet-4-5');
    expect([prices.inputPerMillion, prices.cachedInputPerMillion, prices.outputPerMillion]).toEqual([
      3, 0.3, 15,
    ]);
  });

  it('lets config overrides win field by field and labels mixed sources', () => {
    const prices = resolvePrices('gpt-4o-mini', { overrides: { outputPerMillion: 1 } });
    expect(prices.outputPerMillion).toBe(1);
    expect(prices.inputPerMillion).toBeCloseTo(0.15, 9);
    expect(prices.source).toBe(`config+${priceDataSource}`);
    expect(
      priceCall({ inputTokens: 0, outputTokens: 1_000_000 }, 'gpt-4o-mini', {
        overrides: { outputPerMillion: 1 },
      }).totalUsd,
    ).toBeCloseTo(1, 12);
  });

  it('prices cached input like input when only the input rate is overridden', () => {
    const prices = resolvePrices('gpt-4o-mini', { overrides: { inputPerMillion: 1, outputPerMillion: 2 } });
    expect(prices).toMatchObject({
      inputPerMillion: 1,
      outputPerMillion: 2,
      cachedInputPerMillion: 1,
      source: 'config',
    });
  });
});

/**
 * OpenAI's "Priority processing for API customers" page (openai.com/api-priority-processing, read November 2026):
 * input, cached input and output per 1M tokens. The price data has no priority prices; these are what the ledger
 * must charge.
 */
const priorityPage: Array<[model: string, input: number, cached: number, output: number]> = [
  ['gpt-5.5', 12.5, 1.25, 75],
  ['gpt-5.4-mini', 1.5, 0.15, 9],
  ['gpt-5.4', 5, 0.5, 30],
  ['gpt-5.2', 3.5, 0.35, 28],
  ['gpt-5.1', 2.5, 0.25, 20],
  ['gpt-5', 2.5, 0.25, 20],
  ['gpt-5-mini', 0.45, 0.045, 3.6],
  ['gpt-5.1-codex', 2.5, 0.25, 20],
  ['gpt-5-codex', 2.5, 0.25, 20],
  ['gpt-4.1', 3.5, 0.875, 14],
  ['gpt-4.1-mini', 0.7, 0.175, 2.8],
  ['gpt-4.1-nano', 0.2, 0.05, 0.8],
  ['gpt-4o', 4.25, 2.125, 17],
  ['gpt-4o-2024-11-20', 4.25, 2.125, 17],
  ['gpt-4o-2024-08-06', 4.25, 2.125, 17],
  // No cached price listed (nor a cached discount in the price data): cached input at the input price.
  ['gpt-4o-2024-05-13', 8.75, 8.75, 26.25],
  ['gpt-4o-mini', 0.25, 0.125, 1],
  ['o3', 3.5, 0.875, 14],
  ['o4-mini', 2, 0.5, 8],
];

describe('priority service tier', () => {
  it.each(priorityPage)("prices %s at OpenAI's listed priority prices", (model, input, cached, output) => {
    // Under 128K prompt tokens: the page's prices exclude long context.
    const usage: CallUsage = { inputTokens: 100_000, cachedInputTokens: 40_000, outputTokens: 10_000 };
    const cost = priceCall(usage, model, { serviceTier: 'priority' });
    expect(cost.inputUsd).toBeCloseTo((60_000 * input + 40_000 * cached) / 1e6, 9);
    expect(cost.outputUsd).toBeCloseTo((10_000 * output) / 1e6, 9);
  });
});

describe('priceCall with prices that change by time of day', () => {
  it('prices each call at its own time, also after the same usage was priced at another time', () => {
    // deepseek-chat: full price 00:30–16:30 UTC, discounted otherwise.
    const usage: CallUsage = { inputTokens: 1_000_000, outputTokens: 0 };
    const options = { provider: 'deepseek' };
    const night = priceCall(usage, 'deepseek-chat', {
      ...options,
      timestamp: new Date('2026-01-01T20:00:00Z'),
    });
    const day = priceCall(usage, 'deepseek-chat', {
      ...options,
      timestamp: new Date('2026-01-01T10:00:00Z'),
    });
    const nightAgain = priceCall(usage, 'deepseek-chat', {
      ...options,
      timestamp: new Date('2026-01-02T20:00:00Z'),
    });
    expect(night.totalUsd).toBeCloseTo(0.135, 9);
    expect(day.totalUsd).toBeCloseTo(0.27, 9);
    expect(nightAgain.totalUsd).toBeCloseTo(0.135, 9);
  });

  it('a repeated usage on a fixed-price model costs the same as the first time', () => {
    const usage: CallUsage = { inputTokens: 14, outputTokens: 8 };
    const first = priceCall(usage, 'gpt-4o-mini');
    for (let i = 0; i < 3; i++) expect(priceCall(usage, 'gpt-4o-mini')).toEqual(first);
    expect(first.totalUsd).toBeCloseTo((14 * 0.15 + 8 * 0.6) / 1e6, 12);
  });
});
