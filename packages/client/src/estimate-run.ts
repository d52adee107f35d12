import type { ResponseCache } from '@maxllm/cache';
import type { MaxllmConfig, ResolvedModel } from '@maxllm/config';
import { callHistory, quantile, type CallHistory } from '@maxllm/ledger';
import { prepareRequest, type CompleteRequest, type PreparedRequest } from '@maxllm/request';
import { createBalancer, type Balancer } from './balancer';
import { estimateInputTokens } from './estimate';
import { priceTokens, type PriceMode } from './price-tokens';
import { DEFAULT_MODEL, targetOf } from './target';

/** Options of `estimate()`. */
export interface EstimateOptions {
  /** Model (or `"a:1+b:2"` spec) for requests that name none. @default 'gpt-4o-mini' */
  model?: string;
  /** How many recent paid calls per model make the output band. @default 1000 */
  recent?: number;
  /** Fewest recent calls of a model for its history to be used. @default 5 */
  minSamples?: number;
}

/** A low / expected / high range. */
export interface Band {
  low: number;
  expected: number;
  high: number;
}

/**
 * How the output band was found: `history` (quantiles of the model's recent outputs in the ledger: p10 / mean /
 * p90, capped by `max_tokens`), `max_tokens` (no history: 0 to the cap), `default` (neither: 0 to 4 × 500), or
 * `none` (embeddings have no output).
 */
export type OutputMethod = 'history' | 'max_tokens' | 'default' | 'none';

/** Cost of the prompts not in the cache; a mode is absent where the model has no price for it. @unit USD */
export interface CostEstimate {
  online?: Band;
  flex?: Band;
  batch?: Band;
}

/** One model's share of the file. */
export interface ModelEstimate {
  /** The model's unique name (cache namespace, ledger `unique_name`). */
  uniqueName: string;
  /** The API model id. */
  model: string;
  prompts: number;
  /** Prompts answered in the cache already: they cost $0. */
  cached: number;
  /** Input tokens of the prompts still to send, from the tokenizer. @unit tokens */
  inputTokens: number;
  /** Output tokens of the prompts still to send. @unit tokens */
  outputTokens: Band;
  outputMethods: OutputMethod[];
  /** Recent calls of this model in the ledger. */
  historySamples: number;
  costUsd: CostEstimate;
  /**
   * Time to send the uncached prompts: the slowest of the model's RPM, its TPM, and its concurrency at the median
   * latency of its recent calls (when the ledger has any). @unit seconds
   */
  onlineSeconds: number;
  /** The limits the time is computed from. */
  limits: { rpm: number; tpm: number; concurrency: number };
  /** Median latency of the model's recent calls in the ledger, if any. @unit seconds */
  medianLatencySec: number | undefined;
}

/** What a file of prompts will cost and take, before anything is sent. */
export interface RunEstimate {
  prompts: number;
  cached: number;
  inputTokens: number;
  outputTokens: Band;
  costUsd: CostEstimate;
  /** Models run side by side, each at its own limits: the slowest one. @unit seconds */
  onlineSeconds: number;
  /** The Batch API completes within this window. @unit hours */
  batchWindowHours: 24;
  /** Prompts the estimate could not prepare (each also reported in `errors`). */
  invalid: number;
  errors: string[];
  models: ModelEstimate[];
}

/** What `estimate()` reads: the config, the cache (read only) and the ledger's history. */
export interface EstimateDeps {
  config: MaxllmConfig;
  cache: Pick<ResponseCache, 'get'>;
  requestFlag?: unknown;
}

/** Output tokens assumed per call with neither history nor `max_tokens` (the limiter's default estimate). */
const DEFAULT_OUTPUT = 500;

interface Tally {
  resolved: ResolvedModel;
  model: ModelEstimate;
  band: Band | undefined;
  reservedTokens: number;
  methods: Set<OutputMethod>;
  /** Modes some prompt of this model could not be priced in. */
  unpriced: Set<PriceMode>;
  /** Prices per mode and prompt size (see `ratesOf`). */
  rates: Map<string, { input: number; perOutput: number } | undefined>;
}

/**
 * Estimates a run of `requests` without calling any API: exact input tokens, the output band from the ledger's
 * recent outputs per model, how many are already cached, the cost online / flex / via the Batch API with the
 * ledger's prices, and the time at the configured limits. Requests are assigned to the members of a `"a+b"` spec
 * as a run would (smooth weighted round robin).
 */
export async function estimateRun(
  deps: EstimateDeps,
  requests: Iterable<CompleteRequest> | AsyncIterable<CompleteRequest>,
  options: EstimateOptions = {},
): Promise<RunEstimate> {
  const history: CallHistory = await callHistory(deps.config.paths.ledger, {
    recent: options.recent ?? 1000,
  });
  const minSamples = options.minSamples ?? 5;
  const balancers = new Map<string, Balancer>();
  const tallies = new Map<string, Tally>();
  const errors: string[] = [];
  let prompts = 0;
  let invalid = 0;

  const tallyOf = (resolved: ResolvedModel): Tally => {
    let tally = tallies.get(resolved.uniqueName);
    if (!tally) {
      const calls = history.get(resolved.uniqueName);
      const samples = calls?.outputTokens;
      const usable = samples !== undefined && samples.length >= minSamples ? samples : undefined;
      tally = {
        resolved,
        band: usable && {
          low: quantile(usable, 0.1) ?? 0,
          expected: usable.reduce((a, b) => a + b, 0) / usable.length,
          high: quantile(usable, 0.9) ?? 0,
        },
        reservedTokens: 0,
        methods: new Set(),
        unpriced: new Set(),
        rates: new Map(),
        model: {
          uniqueName: resolved.uniqueName,
          model: resolved.model,
          prompts: 0,
          cached: 0,
          inputTokens: 0,
          outputTokens: { low: 0, expected: 0, high: 0 },
          outputMethods: [],
          historySamples: samples?.length ?? 0,
          costUsd: {},
          onlineSeconds: 0,
          limits: { rpm: resolved.rpm, tpm: resolved.tpm, concurrency: resolved.concurrency },
          medianLatencySec: quantile(calls?.latencySec ?? [], 0.5),
        },
      };
      tallies.set(resolved.uniqueName, tally);
    }
    return tally;
  };

  for await (const request of requests) {
    prompts += 1;
    const spec = request.model ?? options.model ?? DEFAULT_MODEL;
    try {
      let balancer = balancers.get(spec);
      if (!balancer) balancers.set(spec, (balancer = createBalancer(spec, deps.config)));
      const prepare = (resolved: ResolvedModel): PreparedRequest =>
        prepareRequest(request, targetOf(resolved), { requestFlag: deps.requestFlag });
      let cachedBy: ResolvedModel | undefined;
      if (request.force !== true) {
        for (const member of balancer.active()) {
          const prepared = prepare(member.resolved);
          if ((await deps.cache.get(prepared.namespace, prepared.cacheKey)) !== undefined) {
            cachedBy = member.resolved;
            break;
          }
        }
      }
      if (cachedBy) {
        const tally = tallyOf(cachedBy);
        tally.model.prompts += 1;
        tally.model.cached += 1;
        continue;
      }
      const member = balancer.pick();
      if (!member) throw new Error(`no model left in '${spec}'`);
      const prepared = prepare(member.resolved);
      addPrompt(tallyOf(member.resolved), prepared, estimateInputTokens(prepared));
    } catch (error) {
      invalid += 1;
      if (errors.length < 20) errors.push(`request ${prompts}: ${(error as Error).message}`);
    }
  }

  const models = [...tallies.values()].map(finish);
  const sum = (pick: (model: ModelEstimate) => number) => models.reduce((total, m) => total + pick(m), 0);
  return {
    prompts,
    cached: sum((m) => m.cached),
    inputTokens: sum((m) => m.inputTokens),
    outputTokens: {
      low: sum((m) => m.outputTokens.low),
      expected: sum((m) => m.outputTokens.expected),
      high: sum((m) => m.outputTokens.high),
    },
    costUsd: {
      ...totalCost(models, 'online'),
      ...totalCost(models, 'flex'),
      ...totalCost(models, 'batch'),
    },
    onlineSeconds: Math.max(0, ...models.map((m) => m.onlineSeconds)),
    batchWindowHours: 24,
    invalid,
    errors,
    models,
  };
}

/** Adds one uncached prompt: its tokens, its output band, and its cost in each mode. */
function addPrompt(tally: Tally, prepared: PreparedRequest, inputTokens: number): void {
  const { model } = tally;
  model.prompts += 1;
  model.inputTokens += inputTokens;
  let band: Band;
  let method: OutputMethod;
  if (prepared.kind === 'embedding') {
    band = { low: 0, expected: 0, high: 0 };
    method = 'none';
  } else if (tally.band) {
    const cap = prepared.maxTokens ?? Infinity;
    band = {
      low: Math.min(tally.band.low, cap),
      expected: Math.min(tally.band.expected, cap),
      high: Math.min(tally.band.high, cap),
    };
    method = 'history';
  } else if (prepared.maxTokens !== undefined) {
    band = { low: 0, expected: Math.min(DEFAULT_OUTPUT, prepared.maxTokens), high: prepared.maxTokens };
    method = 'max_tokens';
  } else {
    band = { low: 0, expected: DEFAULT_OUTPUT, high: 4 * DEFAULT_OUTPUT };
    method = 'default';
  }
  tally.methods.add(method);
  model.outputTokens.low += band.low;
  model.outputTokens.expected += band.expected;
  model.outputTokens.high += band.high;
  tally.reservedTokens += inputTokens + (prepared.maxTokens ?? band.expected);
  for (const mode of ['online', 'flex', 'batch'] as const) {
    if (tally.unpriced.has(mode)) continue;
    const rate = ratesOf(tally, mode, inputTokens, band.high > 0);
    if (rate === undefined) {
      tally.unpriced.add(mode);
      continue;
    }
    const current = model.costUsd[mode] ?? { low: 0, expected: 0, high: 0 };
    current.low += rate.input + band.low * rate.perOutput;
    current.expected += rate.input + band.expected * rate.perOutput;
    current.high += rate.input + band.high * rate.perOutput;
    model.costUsd[mode] = current;
  }
}

/**
 * A prompt's input cost and the cost of each output token in `mode`, priced once per prompt size: within the tier a
 * prompt's size selects, the price is linear in output tokens. `undefined` when the model has no such price.
 */
function ratesOf(
  tally: Tally,
  mode: PriceMode,
  inputTokens: number,
  withOutput: boolean,
): { input: number; perOutput: number } | undefined {
  const key = `${mode}:${inputTokens}:${withOutput}`;
  if (tally.rates.has(key)) return tally.rates.get(key);
  const input = priceTokens(tally.resolved, { inputTokens, outputTokens: 0 }, mode);
  const million = withOutput
    ? priceTokens(tally.resolved, { inputTokens, outputTokens: 1_000_000 }, mode)
    : input;
  const rate =
    input === undefined || million === undefined
      ? undefined
      : { input, perOutput: (million - input) / 1_000_000 };
  tally.rates.set(key, rate);
  return rate;
}

function finish(tally: Tally): ModelEstimate {
  const { model } = tally;
  for (const mode of ['online', 'flex', 'batch'] as const) {
    if (tally.unpriced.has(mode)) delete model.costUsd[mode];
  }
  model.outputMethods = [...tally.methods];
  const sending = model.prompts - model.cached;
  const { rpm, tpm, concurrency } = model.limits;
  const latency = model.medianLatencySec ?? 0;
  model.onlineSeconds = Math.max(
    Number.isFinite(rpm) && rpm > 0 ? (sending / rpm) * 60 : 0,
    Number.isFinite(tpm) && tpm > 0 ? (tally.reservedTokens / tpm) * 60 : 0,
    Number.isFinite(concurrency) && concurrency > 0 ? (sending * latency) / concurrency : 0,
  );
  return model;
}

function totalCost(models: ModelEstimate[], mode: keyof CostEstimate): CostEstimate {
  const sending = models.filter((m) => m.prompts > m.cached);
  if (sending.length === 0) return { [mode]: { low: 0, expected: 0, high: 0 } };
  if (sending.some((m) => m.costUsd[mode] === undefined)) return {};
  const total = { low: 0, expected: 0, high: 0 };
  for (const m of sending) {
    const band = m.costUsd[mode]!;
    total.low += band.low;
    total.expected += band.expected;
    total.high += band.high;
  }
  return { [mode]: total };
}
