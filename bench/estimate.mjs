// `estimate()` (issue 20) over 100k prompts: exact input tokens from the tokenizer, a cache lookup per prompt (all
// misses here, the real lookup path), the output band from a 1,000-row ledger history, prices online / flex / batch
// and the time at the limits; nothing is sent. Baseline in the same process: counting the same prompts' chat tokens
// alone (the part no estimate can skip). Target: under 5 s for 100k prompts.
import { createClient } from '@maxllm/client';
import { createLedger } from '@maxllm/ledger';
import { estimateChatTokens } from '@maxllm/ratelimit';
import { benchHome, fmt, peakRssMb } from './_shared.mjs';

const N = Number(process.env.BENCH_N ?? 100_000);
const MODEL = 'gpt-4o-mini';
const { home, config } = benchHome('http://127.0.0.1:9/v1');
const prompt = (i) =>
  `Request ${i}: summarise item ${i} of the catalogue in one sentence (${'detail '.repeat(i % 13)}).`;

// History: 1,000 paid calls of the model in the ledger.
const ledger = createLedger({ path: `${home}/logs/openai_calls.csv` });
for (let i = 0; i < 1000; i++) {
  ledger.record({
    model: MODEL,
    uniqueName: MODEL,
    usage: { inputTokens: 40, outputTokens: 20 + (i % 60) },
    prices: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    cacheHit: false,
    batch: false,
    status: 'ok',
  });
}
await ledger.close();

let started = performance.now();
let baselineTokens = 0;
for (let i = 0; i < N; i++) {
  baselineTokens += estimateChatTokens(
    [
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: prompt(i) },
    ],
    MODEL,
  );
}
const baselineSeconds = (performance.now() - started) / 1000;

const client = createClient({ config, home, env: {} });
started = performance.now();
const estimate = await client.estimate(
  (function* () {
    for (let i = 0; i < N; i++) yield { systemPrompt: 'You are a terse assistant.', prompt: prompt(i) };
  })(),
  { model: MODEL },
);
const seconds = (performance.now() - started) / 1000;
await client.close();

if (estimate.prompts !== N || estimate.inputTokens !== baselineTokens) {
  throw new Error(
    `expected ${N} prompts and ${baselineTokens} tokens, got ${estimate.prompts} / ${estimate.inputTokens}`,
  );
}
console.log(
  `estimate.run prompts=${N} seconds=${fmt(seconds, 2)} prompts_per_s=${fmt(N / seconds)} ` +
    `baseline_tokenizer_s=${fmt(baselineSeconds, 2)} ratio_to_tokenizer=${fmt(seconds / baselineSeconds, 2)} ` +
    `input_tokens=${estimate.inputTokens} expected_usd=${fmt(estimate.costUsd.online?.expected ?? NaN, 4)} ` +
    `peak_rss_mb=${fmt(peakRssMb())}`,
);
