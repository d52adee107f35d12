// Scale (issue 11): a 100k-line JSONL through `maxllm run` (the built CLI, a child process) against a fast mock server
// (its own process, zero latency, short answers): wall time and the CLI's peak RSS (VmHWM, read at its exit and
// sampled while it runs). Then the re-run case through `complete()` in this process: a fresh client on the same home
// answers the same 100k prompts, all from the cache, next to `ResponseCache.get` on the same entries as baseline.
import { spawn } from 'node:child_process';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createResponseCache } from '@maxllm/cache';
import { createClient } from '@maxllm/client';
import { prepareRequest } from '@maxllm/request';
import { startMock } from './_mock.mjs';
import { benchHome, fmt, percentile, pool } from './_shared.mjs';

const N = Number(process.env.BENCH_N ?? 100_000);
// `scale.run` for the default 100k lines; other sizes get their own row (`scale.run_1m`: BENCH_N=1000000).
const METRIC =
  N === 100_000 ? 'scale.run' : `scale.run_${N % 1e6 === 0 ? `${N / 1e6}m` : `${Math.round(N / 1e3)}k`}`;
const CONCURRENCY = 64;
const MODEL = 'gpt-4o-mini';
const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'apps', 'cli', 'dist', 'index.js');
// The flags the installed `maxllm` bin runs with: its shebang (`#!/usr/bin/env -S node <flags>`).
const shebangFlags = readFileSync(cli, 'utf8').split('\n', 1)[0].split(/\s+/).slice(3);
const prompt = (i) => `Line ${i}: name one colour${i % 3 === 0 ? ' and one animal' : ''}.`;

const server = await startMock({ output: { meanTokens: 8, spread: 0.5 } });
const { home, config } = benchHome(server.url);
const input = path.join(home, 'in.jsonl');
const output = path.join(home, 'out.jsonl');
const rssFile = path.join(home, 'cli-peak-rss');
writeFileSync(
  input,
  Array.from({ length: N }, (_, i) => `${JSON.stringify({ id: i, prompt: prompt(i) })}\n`).join(''),
);

// 1. The CLI run.
const started = performance.now();
const child = spawn(
  process.execPath,
  [
    // The bin's own flags, then extra V8 flags to try heap settings: BENCH_CLI_NODE_FLAGS='--max-old-space-size=192'
    ...shebangFlags,
    ...(process.env.BENCH_CLI_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    '--import',
    path.join(here, '_peak-rss-hook.mjs'),
    cli,
    '--config',
    config,
    '--home',
    home,
    'run',
    input,
    '-o',
    output,
    '-m',
    MODEL,
    '--concurrency',
    String(CONCURRENCY),
  ],
  { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BENCH_PEAK_RSS_FILE: rssFile } },
);
let stderr = '';
child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
let sampledKb = 0;
const sampler = setInterval(() => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    if (match) sampledKb = Math.max(sampledKb, Number(match[1]));
  } catch {
    // exited
  }
}, 100);
const code = await new Promise((resolve) => child.on('close', resolve));
clearInterval(sampler);
const seconds = (performance.now() - started) / 1000;
if (code !== 0) {
  await server.close();
  throw new Error(`maxllm run exited with ${code}:\n${stderr}`);
}
let exitStats = {};
try {
  exitStats = JSON.parse(readFileSync(rssFile, 'utf8'));
} catch {
  // no exit hook result: keep the sampled value
}
const peakMb = Math.max(sampledKb / 1024, exitStats.peakRssMb ?? 0);
let lines = 0;
for await (const line of createInterface({ input: createReadStream(output), crlfDelay: Infinity })) {
  if (line.trim() !== '') lines++;
}
const requests = (await server.stats()).requests;
console.log(
  `${METRIC} lines=${N} seconds=${fmt(seconds, 1)} lines_per_s=${fmt(N / seconds)} peak_rss_mb=${fmt(peakMb)} ` +
    `peak_heap_total_mb=${exitStats.heapTotalMb ?? '?'} live_heap_after_gc_mb=${exitStats.liveHeapMb ?? '?'} ` +
    `output_lines=${lines} http_requests=${requests}`,
);
if (lines !== N) console.error(`expected ${N} output lines, got ${lines}`);
if (process.env.BENCH_SCALE_HITS === '0') {
  await server.close();
  process.exit(0);
}

// 2. The same prompts again through complete() in a fresh client: every answer comes from the cache (its memory
// layer starts empty, so each hit reads the disk). Baseline: ResponseCache.get on the same entries in a fresh cache
// on the same folder. The two alternate in chunks, so a change in machine load hits both alike.
const client = createClient({ config, home });
const resolved = client.config.resolveModel(MODEL);
const target = {
  model: resolved.model,
  uniqueName: resolved.uniqueName,
  apiBase: resolved.apiBase,
  mode: resolved.mode,
};
// Only the keys are kept (prepared requests would weigh on the measured passes' GC, as in cache-complete.mjs).
const keys = Array.from({ length: N }, (_, i) => {
  const { namespace, cacheKey } = prepareRequest({ model: MODEL, prompt: prompt(i) }, target);
  return { namespace, cacheKey };
});
const cache = createResponseCache({ dir: client.config.paths.cache });
const hits = { seconds: 0, cpuSeconds: 0, latencies: [] };
const gets = { seconds: 0 };
const CHUNK = 10_000;
for (let offset = 0; offset < N; offset += CHUNK) {
  const n = Math.min(CHUNK, N - offset);
  const cpu = process.cpuUsage();
  const run = await pool(n, CONCURRENCY, (i) =>
    client.complete({ model: MODEL, prompt: prompt(offset + i) }),
  );
  const used = process.cpuUsage(cpu);
  hits.seconds += run.seconds;
  hits.cpuSeconds += (used.user + used.system) / 1e6;
  hits.latencies.push(...run.latencies);
  const baseline = await pool(n, CONCURRENCY, async (i) => {
    const { namespace, cacheKey } = keys[offset + i];
    if ((await cache.get(namespace, cacheKey)) === undefined) throw new Error(`no entry for ${offset + i}`);
  });
  gets.seconds += baseline.seconds;
}
await client.close();
await cache.close?.();
const hitRequests = (await server.stats()).requests - requests;
await server.close();

const hitRate = N / hits.seconds;
const getRate = N / gets.seconds;
console.log(
  `cache.hits.complete prompts=${N} ops_per_s=${fmt(hitRate)} p50_ms=${fmt(percentile(hits.latencies, 50), 3)} ` +
    `p99_ms=${fmt(percentile(hits.latencies, 99), 3)} ops_per_cpu_s=${fmt(N / hits.cpuSeconds)} ` +
    `http_requests=${hitRequests} cache_get_ops_per_s=${fmt(getRate)} ratio_to_cache_get=${fmt(hitRate / getRate, 2)}`,
);
