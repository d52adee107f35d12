#!/usr/bin/env node
// Admission ceiling of @maxllm/ratelimit's in-process engine with very high limits (acquire + settle per request,
// 64 concurrent callers), against a plain bottleneck local limiter doing the same work in the same process.
// Prints: ratelimit.admission ops_per_s=<n> baseline_bottleneck=<n> ratio=<x>
import { createRequire } from 'node:module';
import { createRateLimiter } from '../packages/ratelimit/dist/index.js';

const require = createRequire(import.meta.url);
const Bottleneck = require('bottleneck');
const callers = 64;

async function measure(seconds, admitOne) {
  let count = 0;
  const stopAt = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < stopAt) {
        await admitOne();
        count++;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

const limiter = createRateLimiter({ rpm: 1e12, tpm: 1e15, concurrency: 1e6 });
const ours = () =>
  limiter.acquire({ tokens: 120 }).then((permit) => {
    permit.settle({ tokens: 100 });
  });
await measure(0.5, ours); // warm-up
const opsPerSecond = await measure(3, ours);
await limiter.close();

const bottleneck = new Bottleneck({ maxConcurrent: 1e6, reservoir: 1e12 });
const baseline = await measure(2, () => bottleneck.schedule({ weight: 1 }, () => Promise.resolve()));
await bottleneck.stop();

console.log(
  `ratelimit.admission ops_per_s=${Math.round(opsPerSecond)} baseline_bottleneck=${Math.round(baseline)} ratio=${(opsPerSecond / baseline).toFixed(1)}`,
);
