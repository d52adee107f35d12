// Batch preparation (issue 11): 100k chat requests enqueued into a fresh @maxllm/batch workspace (each one is looked
// up in the response cache first: all misses here), then split into upload files, uploaded to the mock server and
// turned into batch jobs. Wall time of each phase and peak RSS of this process (the mock runs in its own process).
import OpenAI from 'openai';
import { openBatch } from '@maxllm/batch';
import { createResponseCache } from '@maxllm/cache';
import { loadConfig } from '@maxllm/config';
import { createLedger } from '@maxllm/ledger';
import { startMock } from './_mock.mjs';
import { benchHome, fmt, peakRssMb } from './_shared.mjs';

const N = Number(process.env.BENCH_N ?? 100_000);
const MODEL = 'gpt-4o-mini';
const server = await startMock({ batch: { stepMs: 60_000 } });
const { home, config: configPath } = benchHome(server.url);
const config = loadConfig({ path: configPath, env: { ...process.env, MAXLLM_HOME: home } });
const cache = createResponseCache({ dir: config.paths.cache });
const ledger = createLedger({ path: config.paths.ledger });
const request = (i) => ({
  model: MODEL,
  systemPrompt: 'You are a terse assistant.',
  prompt: `Request ${i}: summarise item ${i} of the catalogue in one sentence (${'detail '.repeat(i % 13)}).`,
  temperature: 0,
});

const started = performance.now();
const batch = await openBatch({
  model: MODEL,
  workspace: 'bench-prepare',
  config,
  cache,
  ledger,
  createOpenAI: (model) => new OpenAI({ apiKey: model.apiKey, baseURL: model.apiBase, maxRetries: 0 }),
});
for (let i = 0; i < N; i++) await batch.enqueue(request(i));
await batch.flush();
const enqueued = performance.now();
const enqueueRss = peakRssMb();
const state = await batch.upload();
const uploaded = performance.now();
const jobs = batch.jobs.length;
await batch.close();
await ledger.close();
await cache.close?.();
const stats = await server.stats();
await server.close();

if (batch.size !== N || jobs < 1)
  throw new Error(`expected ${N} tasks in ≥ 1 job, got ${batch.size} in ${jobs}`);
console.log(
  `batch.prepare requests=${N} seconds=${fmt((uploaded - started) / 1000, 2)} ` +
    `enqueue_s=${fmt((enqueued - started) / 1000, 2)} split_upload_s=${fmt((uploaded - enqueued) / 1000, 2)} ` +
    `peak_rss_mb=${fmt(peakRssMb())} enqueue_peak_rss_mb=${fmt(enqueueRss)} jobs=${jobs} state=${state} uploads=${stats.byEndpoint['POST /v1/files'] ?? 0}`,
);
