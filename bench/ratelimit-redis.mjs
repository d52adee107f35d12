#!/usr/bin/env node
// @maxllm/ratelimit's distributed mode on the real Redis at REDIS_URL (default redis://127.0.0.1:6379).
// (a) Admission ceiling with very high limits (acquire + settle, 64 callers, a finite concurrency so slots are taken
//     and freed too), against a bottleneck cluster limiter (ioredis datastore) doing the same in the same process.
// (b) Shared utilisation: PROCESSES worker processes share one limit through Redis against @maxllm/mock-server
//     enforcing it over a sliding window; achieved = what the server admitted ÷ (windows × limit), per dimension.
// Prints: ratelimit.redis_admission ops_per_s=<n> baseline_bottleneck_cluster=<n> ratio=<x>
//         ratelimit.redis_utilisation utilisation=<binding ratio> tokens=<ratio> requests=<ratio> rate_limited=<429s>
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createRateLimiter } from '../packages/ratelimit/dist/index.js';
import { limitedChat, loadTokenizer } from './_limited-chat.mjs';
import { startMock } from './_mock.mjs';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const model = 'gpt-4o-mini';
const maxTokens = 60;
const windowMs = 5000;
const windows = 4;
const limits = { rpm: 150, tpm: 9000 };
const processes = 3;

if (process.argv[2] === '--worker') await worker(process.argv[3], process.argv[4]);
else await main();

async function main() {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  await client.ping();
  const ours = await admissions(client);
  const baseline = await bottleneckAdmissions(client);
  console.log(
    `ratelimit.redis_admission ops_per_s=${Math.round(ours)} baseline_bottleneck_cluster=${Math.round(baseline)} ratio=${(ours / baseline).toFixed(1)}`,
  );
  client.disconnect();

  const server = await startMock({ limits, windowMs, output: { meanTokens: 40, spread: 0.5 } });
  const id = `bench-${randomUUID()}`;
  const exits = Array.from({ length: processes }, () => {
    const child = fork(fileURLToPath(import.meta.url), ['--worker', server.url, id], { stdio: 'inherit' });
    return new Promise((resolve) => child.on('exit', resolve));
  });
  const codes = await Promise.all(exits);
  const stats = await server.stats();
  await server.close();
  const counters = stats.byModel[model] ?? { requests: 0, admittedTokens: 0 };
  const tokens = counters.admittedTokens / (windows * limits.tpm);
  const requests = (counters.requests - stats.rateLimited) / (windows * limits.rpm);
  console.log(
    `ratelimit.redis_utilisation utilisation=${Math.max(tokens, requests).toFixed(3)} tokens=${tokens.toFixed(3)} requests=${requests.toFixed(3)} rate_limited=${stats.rateLimited} processes=${processes} window_ms=${windowMs} windows=${windows}`,
  );
  if (codes.some((code) => code !== 0)) process.exitCode = 1;
}

/** Admissions per second through the Redis script: acquire + settle, 64 callers, for `seconds`. */
async function admissions(client, seconds = 3) {
  const limiter = createRateLimiter({
    rpm: 1e9,
    tpm: 1e12,
    concurrency: 1e6,
    redis: { client, id: `bench-${randomUUID()}` },
  });
  const count = await loop(seconds, async () =>
    (await limiter.acquire({ tokens: 10 })).settle({ tokens: 8 }),
  );
  await limiter.close();
  return count / seconds;
}

/** The same work on a bottleneck cluster limiter (one reservoir, weight 1, ioredis datastore). */
async function bottleneckAdmissions(client, seconds = 3) {
  const Bottleneck = createRequire(import.meta.url)('bottleneck');
  const connection = new Bottleneck.IORedisConnection({ client: client.duplicate() });
  const limiter = new Bottleneck({
    id: `bench-${randomUUID()}`,
    datastore: 'ioredis',
    connection,
    maxConcurrent: 1e6,
    reservoir: 1e12,
  });
  await limiter.ready();
  const count = await loop(seconds, () => limiter.schedule({ weight: 1 }, () => Promise.resolve()));
  await limiter.stop();
  await connection.disconnect();
  return count / seconds;
}

async function loop(seconds, admitOne, callers = 64) {
  const stopAt = Date.now() + seconds * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (Date.now() < stopAt) {
        await admitOne();
        count++;
      }
    }),
  );
  return count;
}

/** One of the processes sharing the limit: a backlog of chat requests for `windows` windows. */
async function worker(url, id) {
  const client = new Redis(redisUrl);
  const limiter = createRateLimiter({
    ...limits,
    intervalMs: windowMs,
    concurrency: 16,
    redis: { client, id },
  });
  loadTokenizer(model);
  const deadline = AbortSignal.timeout(windows * windowMs);
  await limitedChat({ limiter, url, deadline, callers: 16, model, maxTokens, tag: `${process.pid}-` });
  await limiter.close();
  client.disconnect();
}
