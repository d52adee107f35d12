// Overhead of the full MaxLLM stack against the raw openai SDK (issue 11):
// 5,000 chat requests at concurrency 64 against the mock server (its own process) with zero latency and limits far
// above the load, then 2,000 with 20 ms and with 100 ms of server latency. Raw and full-stack rounds alternate, so a change in machine load hits both sides alike.
import OpenAI from 'openai';
import { createClient } from '@maxllm/client';
import { startMock } from './_mock.mjs';
import { BENCH_API_KEY, benchHome, fmt, percentile, pool } from './_shared.mjs';

const N = Number(process.env.BENCH_N ?? 5000);
const ROUNDS = 5;
const CONCURRENCY = 64;
const MODEL = 'gpt-4o-mini';
const server = await startMock({ output: { meanTokens: 20, spread: 0.5 } });
const prompt = (tag, i) => `${tag} benchmark prompt number ${i}: say something short.`;

// maxRetries 2: on a loaded host a round can outlast the server's keep-alive timeout, and reusing a socket it just
// closed fails once ("other side closed"); the stack retries that too.
const raw = new OpenAI({ apiKey: BENCH_API_KEY, baseURL: server.url, maxRetries: 2 });
const { home, config } = benchHome(server.url);
const client = createClient({ config, home });
const sides = {
  raw: (i) =>
    raw.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt('raw', i) }] }),
  miss: (i) => client.complete({ model: MODEL, prompt: prompt('stack', i) }),
  hit: (i) => client.complete({ model: MODEL, prompt: prompt('stack', i) }),
  // The stack without the cache (`force: true`: no read, no write), to show the cache's share of the overhead.
  noCache: (i) => client.complete({ model: MODEL, prompt: prompt('nocache', i), force: true }),
};

/** Runs `task` on [offset, offset + n) and adds wall time, CPU time and latencies to `total`. */
async function measure(total, n, offset, task) {
  const cpu = process.cpuUsage();
  const run = await pool(n, CONCURRENCY, (i) => task(offset + i));
  const used = process.cpuUsage(cpu);
  total.seconds += run.seconds;
  total.cpuSeconds += (used.user + used.system) / 1e6;
  total.systemSeconds += used.system / 1e6;
  total.latencies.push(...run.latencies);
}
const totals = () => ({ seconds: 0, cpuSeconds: 0, systemSeconds: 0, latencies: [] });

// Warm-up on both sides (sockets, JIT, cache folders), with prompts the measured rounds do not use.
await pool(500, CONCURRENCY, (i) => sides.raw(N + i));
await pool(500, CONCURRENCY, (i) => sides.miss(N + i));

const results = { raw: totals(), miss: totals(), hit: totals(), noCache: totals() };
const perRound = Math.ceil(N / ROUNDS);
for (let offset = 0; offset < N; offset += perRound) {
  const n = Math.min(perRound, N - offset);
  await measure(results.raw, n, offset, sides.raw);
  await measure(results.miss, n, offset, sides.miss);
  await measure(results.noCache, n, offset, sides.noCache);
}
const before = (await server.stats()).requests;
for (let offset = 0; offset < N; offset += perRound) {
  await measure(results.hit, Math.min(perRound, N - offset), offset, sides.hit);
}
const hitRequests = (await server.stats()).requests - before;
const stats = await server.stats();
await client.close();
await server.close();

// The same comparison with 20 and 100 ms of server latency, as a real API has: there the client's CPU is not the
// bottleneck, and what shows is latency the stack adds (a cache write awaited before the answer is returned).
const LATENCY_N = Math.min(N, 2000);
const latencyRuns = [];
for (const meanMs of [20, 100]) {
  const slowServer = await startMock({
    output: { meanTokens: 20, spread: 0.5 },
    latency: { meanMs, jitterMs: meanMs / 5 },
  });
  const slowRaw = new OpenAI({ apiKey: BENCH_API_KEY, baseURL: slowServer.url, maxRetries: 2 });
  const slowHome = benchHome(slowServer.url);
  const slowClient = createClient({ config: slowHome.config, home: slowHome.home });
  const slow = { meanMs, raw: totals(), miss: totals() };
  for (let offset = 0; offset < LATENCY_N; offset += LATENCY_N / 2) {
    await measure(slow.raw, LATENCY_N / 2, offset, (i) =>
      slowRaw.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: prompt('slow-raw', i) }],
      }),
    );
    await measure(slow.miss, LATENCY_N / 2, offset, (i) =>
      slowClient.complete({ model: MODEL, prompt: prompt('slow-stack', i) }),
    );
  }
  await slowClient.close();
  await slowServer.close();
  latencyRuns.push(slow);
}

const rps = (side) => N / results[side].seconds;
const line = (metric, side, extra = '') => {
  const { latencies, cpuSeconds, systemSeconds } = results[side];
  return (
    `${metric} requests=${N} rps=${fmt(rps(side))}${extra} p50_ms=${fmt(percentile(latencies, 50), 2)} ` +
    `p99_ms=${fmt(percentile(latencies, 99), 2)} cpu_ms_per_req=${fmt((1000 * cpuSeconds) / N, 3)} ` +
    `sys_ms_per_req=${fmt((1000 * systemSeconds) / N, 3)}`
  );
};
console.log(line('overhead.raw_sdk', 'raw', ` concurrency=${CONCURRENCY}`));
console.log(line('overhead.full_stack_miss', 'miss', ` ratio=${fmt(rps('miss') / rps('raw'), 2)}`));
console.log(line('overhead.full_stack_hit', 'hit', ` ratio=${fmt(rps('hit') / rps('raw'), 2)}`));
console.log(line('overhead.stack_without_cache', 'noCache', ` ratio=${fmt(rps('noCache') / rps('raw'), 2)}`));
for (const slow of latencyRuns) {
  console.log(
    `overhead.full_stack_miss_latency_${slow.meanMs}ms requests=${LATENCY_N} raw_rps=${fmt(LATENCY_N / slow.raw.seconds)} ` +
      `rps=${fmt(LATENCY_N / slow.miss.seconds)} ratio=${fmt(slow.raw.seconds / slow.miss.seconds, 2)} ` +
      `p50_ms=${fmt(percentile(slow.miss.latencies, 50), 1)} raw_p50_ms=${fmt(percentile(slow.raw.latencies, 50), 1)} ` +
      `cpu_ms_per_req=${fmt((1000 * slow.miss.cpuSeconds) / LATENCY_N, 3)} raw_cpu_ms_per_req=${fmt((1000 * slow.raw.cpuSeconds) / LATENCY_N, 3)}`,
  );
}
if (hitRequests !== 0 || stats.rateLimited !== 0) {
  console.error(`unexpected: ${hitRequests} HTTP requests during the hit rounds, ${stats.rateLimited} 429s`);
}
