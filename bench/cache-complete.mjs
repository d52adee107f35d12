// Cache hits through `complete()` (issue 21): N prompts (100k) whose answers are in the cache, answered by a fresh
// client ("cold": empty memory layer, the pack index is built by the first lookup) and then again by the same client
// ("warm"). Baseline in the same process: `ResponseCache.get` on the same entries, cold (fresh instance) and warm.
// No HTTP server: a request that reached the network would fail the run.
import { createResponseCache } from '@maxllm/cache';
import { createClient } from '@maxllm/client';
import { prepareRequest } from '@maxllm/request';
import { benchHome, fmt, percentile, pool } from './_shared.mjs';

const N = Number(process.env.BENCH_N ?? 100_000);
const CONCURRENCY = 64;
const MODEL = 'gpt-4o-mini';
const prompt = (i) => `Line ${i}: name one colour${i % 3 === 0 ? ' and one animal' : ''}.`;
// What the mock (and the API) answers, as the client stores it.
const response = (i) => ({
  id: `chatcmpl-${i}`,
  object: 'chat.completion',
  created: 1_764_000_000,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: `Answer ${i}: teal, and a heron.`, refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22 },
  system_fingerprint: 'fp_bench',
});

const { home, config } = benchHome('http://127.0.0.1:9/v1');
const filler = createClient({ config, home });
const resolved = filler.config.resolveModel(MODEL);
const target = {
  model: resolved.model,
  uniqueName: resolved.uniqueName,
  apiBase: resolved.apiBase,
  mode: resolved.mode,
};
// Only the keys are kept: the 100k prepared requests (48 MB of heap, against 19 MB for the keys) made the measured
// passes' GC slower, a cost of the bench's bookkeeping rather than of a hit.
const prepared = Array.from({ length: N }, (_, i) => {
  const { namespace, cacheKey } = prepareRequest({ model: MODEL, prompt: prompt(i) }, target);
  return { namespace, cacheKey };
});
const dir = filler.config.paths.cache;
await filler.close();
const writer = createResponseCache({ dir, memoryEntries: 0 });
for (let i = 0; i < N; i++) {
  const { namespace, cacheKey } = prepared[i];
  await writer.set(namespace, cacheKey, {
    response: response(i),
    meta: { createdAt: Date.now(), model: MODEL, usage: response(i).usage, keyVersion: 1 },
  });
}
await writer.close();

async function measure(task) {
  global.gc?.();
  const cpu = process.cpuUsage();
  const run = await pool(N, CONCURRENCY, task);
  const used = process.cpuUsage(cpu);
  return { ...run, cpuSeconds: (used.user + used.system) / 1e6 };
}
const complete = (client) => (i) =>
  client.complete({ model: MODEL, prompt: prompt(i) }).then((answer) => {
    if (!String(answer).startsWith(`Answer ${i}:`)) throw new Error(`line ${i}: wrong answer ${answer}`);
  });
const get = (cache) => async (i) => {
  const { namespace, cacheKey } = prepared[i];
  if ((await cache.get(namespace, cacheKey)) === undefined) throw new Error(`no entry for ${i}`);
};

const baselineCache = createResponseCache({ dir });
const baselineCold = await measure(get(baselineCache));
const baselineWarm = await measure(get(baselineCache));
await baselineCache.close();
const client = createClient({ config, home });
const cold = await measure(complete(client));
const warm = await measure(complete(client));
await client.close();

const line = (metric, run, base) =>
  `${metric} prompts=${N} ops_per_s=${fmt(N / run.seconds)} p50_ms=${fmt(percentile(run.latencies, 50), 3)} ` +
  `p99_ms=${fmt(percentile(run.latencies, 99), 3)} ops_per_cpu_s=${fmt(N / run.cpuSeconds)} ` +
  `cache_get_ops_per_s=${fmt(N / base.seconds)} ratio_to_cache_get=${fmt(base.seconds / run.seconds, 2)}`;
console.log(line('cache.complete.cold', cold, baselineCold));
console.log(line('cache.complete.warm', warm, baselineWarm));
