// Cache-hit throughput and latency of @maxllm/cache (issue 6), against plain cacache.get in the same process.
// 10k entries in one namespace (baseline: the same entries exported to a cacache directory); "cold" = a fresh createResponseCache on the existing directory (first read of each
// entry, empty memory layer), "warm" = the same instance reading everything again. Also: the cost of cacheKey().
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { cacheKey, createResponseCache } from '@maxllm/cache';
import { fmt, percentile, pool } from './_shared.mjs';

const cacache = createRequire(import.meta.resolve('@maxllm/cache'))('cacache');
const N = Number(process.env.BENCH_N ?? 10_000);
const NAMESPACE = 'openai/gpt-4o-mini';
const dir = mkdtempSync(path.join(os.tmpdir(), 'maxllm-bench-cache-'));

const keys = Array.from({ length: N }, (_, i) =>
  cacheKey({ endpoint: '/v1/chat/completions', prompt: `prompt ${i}` }),
);
const entry = (i) => ({
  response: {
    id: `chatcmpl-${i}`,
    object: 'chat.completion',
    created: 1_764_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: `Answer ${i}: ${'lorem ipsum dolor sit amet '.repeat(24)}`,
          refusal: null,
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 25, completion_tokens: 160, total_tokens: 185 },
    system_fingerprint: 'fp_bench',
  },
  meta: { createdAt: Date.now(), model: 'gpt-4o-mini', usage: { prompt_tokens: 25 }, keyVersion: 1 },
});

/**
 * `pool` plus the CPU time the process used (all threads, so cacache's thread-pool work counts too). On a shared,
 * overloaded machine wall-clock throughput mostly measures preemption; ops per CPU-second measures our cost.
 */
async function measure(n, concurrency, task) {
  const cpu = process.cpuUsage();
  const run = await pool(n, concurrency, task);
  const used = process.cpuUsage(cpu);
  return { ...run, cpuSeconds: (used.user + used.system) / 1e6 };
}

async function measureCpu(n, concurrency, task) {
  const cpu = process.cpuUsage();
  const run = await pool(n, concurrency, task);
  const used = process.cpuUsage(cpu);
  return { ...run, cpuSeconds: (used.user + used.system) / 1e6, systemSeconds: used.system / 1e6 };
}

/** Files and folders under `root` (inodes the store made). */
function countFiles(root) {
  return readdirSync(root, { recursive: true }).length;
}

function summary(metric, run, extra = '') {
  const opsPerS = N / run.seconds;
  const p50 = percentile(run.latencies, 50);
  const p99 = percentile(run.latencies, 99);
  return {
    opsPerS,
    line: `${metric} entries=${N} ops_per_s=${fmt(opsPerS)} p50_ms=${fmt(p50, 4)} p99_ms=${fmt(p99, 4)} ops_per_cpu_s=${fmt(N / run.cpuSeconds)}${extra}`,
  };
}

function expectHit(found, i) {
  if (found === undefined) throw new Error(`miss on entry ${i}`);
}

try {
  // Fill: writes through the cache (one append to the namespace's pack file each), against cacache.put (the store of
  // @maxllm/cache 0.1) writing the same entries into another directory. CPU includes the kernel's (file creation).
  const writer = createResponseCache({ dir, memoryEntries: 0 });
  const fill = await measureCpu(N, 16, (i) => writer.set(NAMESPACE, keys[i], entry(i)));
  const cacacheDir = mkdtempSync(path.join(os.tmpdir(), 'maxllm-bench-cacache-'));
  const putN = Math.min(N, 3000);
  const put = await measureCpu(putN, 16, (i) =>
    cacache.put(cacacheDir, `${NAMESPACE}\u0000${keys[i]}`, JSON.stringify(entry(i)), {
      metadata: { namespace: NAMESPACE },
    }),
  );
  const putFiles = countFiles(cacacheDir);
  rmSync(cacacheDir, { recursive: true, force: true });
  console.log(
    `cache.set entries=${N} concurrency=16 ops_per_s=${fmt(N / fill.seconds)} cpu_ms_per_set=${fmt((1000 * fill.cpuSeconds) / N, 4)} ` +
      `sys_ms_per_set=${fmt((1000 * fill.systemSeconds) / N, 4)} files=${countFiles(dir)} ` +
      `baseline_cacache_put_ops_per_s=${fmt(putN / put.seconds)} baseline_cpu_ms_per_set=${fmt((1000 * put.cpuSeconds) / putN, 4)} ` +
      `baseline_sys_ms_per_set=${fmt((1000 * put.systemSeconds) / putN, 4)} baseline_files_per_entry=${fmt(putFiles / putN, 2)} ` +
      `ratio=${fmt(N / fill.seconds / (putN / put.seconds), 1)}`,
  );

  // Baseline: plain cacache.get, one at a time and 64 in flight, on the same entries exported to cacache's format.
  const baselineDir = mkdtempSync(path.join(os.tmpdir(), 'maxllm-bench-cacache-'));
  await writer.exportTo(baselineDir);
  const storageKey = (i) => `${NAMESPACE}\u0000${keys[i]}`;
  const baseline = await measure(N, 1, async (i) =>
    JSON.parse((await cacache.get(baselineDir, storageKey(i))).data.toString()),
  );
  const baselineRate = N / baseline.seconds;
  const baseline64 = await measure(N, 64, async (i) =>
    JSON.parse((await cacache.get(baselineDir, storageKey(i))).data.toString()),
  );
  const baseline64Rate = N / baseline64.seconds;
  const versus = (rate, base, baseRun) =>
    ` baseline_cacache_ops_per_s=${fmt(base)} baseline_cacache_ops_per_cpu_s=${fmt(N / baseRun.cpuSeconds)} ratio=${fmt(rate / base, 2)}`;

  const cold = createResponseCache({ dir });
  const coldRun = await measure(N, 1, async (i) => expectHit(await cold.get(NAMESPACE, keys[i]), i));
  const coldLine = summary('cache.hits.cold', coldRun);
  console.log(coldLine.line + versus(coldLine.opsPerS, baselineRate, baseline));

  const warmRun = await measure(N, 1, async (i) => expectHit(await cold.get(NAMESPACE, keys[i]), i));
  const warmLine = summary('cache.hits.warm', warmRun);
  console.log(warmLine.line + versus(warmLine.opsPerS, baselineRate, baseline));

  const cold64 = createResponseCache({ dir });
  const cold64Run = await measure(N, 64, async (i) => expectHit(await cold64.get(NAMESPACE, keys[i]), i));
  const cold64Line = summary('cache.hits.cold_concurrent', cold64Run, ' concurrency=64');
  console.log(cold64Line.line + versus(cold64Line.opsPerS, baseline64Rate, baseline64));

  const missKeys = keys.map((key) => key.replace(/.$/, (c) => (c === '0' ? '1' : '0')));
  const missRun = await measure(N, 1, async (i) => {
    if ((await cold.get(NAMESPACE, missKeys[i])) !== undefined) throw new Error('unexpected hit');
  });
  console.log(summary('cache.misses', missRun).line);

  // Key cost: a 20 KB message list (20 messages of ~1 KB), canonical JSON + SHA-256, against JSON.stringify + SHA-256.
  const messages = Array.from({ length: 20 }, (_, i) => ({
    role: i % 2 ? 'assistant' : 'user',
    content: `Message ${i}: ${'the quick brown fox jumps over the lazy dog '.repeat(23)}`,
  }));
  const input = {
    v: 1,
    endpoint: '/v1/chat/completions',
    base: null,
    body: { model: 'gpt-4o-mini', messages, temperature: 0 },
  };
  const bytes = Buffer.byteLength(JSON.stringify(input));
  const ROUNDS = 2000;
  for (let i = 0; i < 200; i++) cacheKey(input);
  const keyRun = await pool(ROUNDS, 1, () => cacheKey(input));
  const plainRun = await pool(ROUNDS, 1, () =>
    createHash('sha256').update(JSON.stringify(input)).digest('hex'),
  );
  const perKey = (keyRun.seconds / ROUNDS) * 1e6;
  const perPlain = (plainRun.seconds / ROUNDS) * 1e6;
  console.log(
    `cache.key.20kb input_bytes=${bytes} us_per_key=${fmt(perKey, 1)} p99_us=${fmt(percentile(keyRun.latencies, 99) * 1000, 1)} keys_per_s=${fmt(1e6 / perKey)} baseline_stringify_sha256_us=${fmt(perPlain, 1)} ratio=${fmt(perKey / perPlain, 2)}`,
  );
  rmSync(baselineDir, { recursive: true, force: true });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
