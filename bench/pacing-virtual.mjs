// Pacing on a virtual clock (issue 21): the same scenario as pacing.mjs (rpm 600, a server enforcing the limit per
// 60 s window and per 1 s quantum), but the limiter and the mock share a manual clock that moves in 5 ms steps, and
// every request is answered before time moves on. No timer is late and no request arrives shifted, so this measures
// the admission rule itself; pacing.mjs measures it on the real clock of this (shared, loaded) host.
// `pacing.virtual_jitter` adds what a real host adds: each request reaches the server 0–JITTER_MS after its admission
// (seeded, so every run is the same), so two requests may arrive closer together than the pace: the limiter must
// learn from the 429s that draws (shrink its burst, then slow its pace) and stop drawing them.
// `pacing.virtual_cold_start`: the first three requests reach the server COLD_MS later than the rest (new
// connections and code not yet optimised: measured on the real clock, the first 40–130 ms, the second up to ~100 ms
// later than the eleventh), which the limiter's warm-up after an idle spell (`warmupMs`) must absorb.
// Utilisation = requests the server admitted in WINDOWS windows ÷ (WINDOWS × rpm); 429s to the end of the run.
import { createManualClock } from '@maxllm/core';
import { createMockServer } from '@maxllm/mock-server';
import { createRateLimiter, estimateChatTokens } from '@maxllm/ratelimit';
import { fmt } from './_shared.mjs';

const WINDOW_MS = 60_000;
const WINDOWS = 2;
const RPM = 600;
const STEP_MS = 5;
const JITTER_MS = 20;
const COLD_MS = [100, 60, 30];
const model = 'gpt-4o-mini';

/** A seeded generator in [0, 1) (mulberry32), so the jittered run is the same every time. */
function seeded(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function simulate({ quantumMs, burstMs, jitterMs = 0, coldMs = [] }) {
  const random = seeded(21);
  const clock = createManualClock(Date.now());
  const server = await createMockServer({ limits: { rpm: RPM }, windowMs: WINDOW_MS, quantumMs, clock });
  const limiter = createRateLimiter({ rpm: RPM, intervalMs: WINDOW_MS, burstMs, clock });
  const end = clock.now() + WINDOWS * WINDOW_MS;
  let inFlight = 0;
  let stopped = false;
  let sent = 0;
  const caller = async () => {
    while (!stopped) {
      const messages = [{ role: 'user', content: `Question ${sent}: why?` }];
      const permit = await limiter
        .acquire({ tokens: estimateChatTokens(messages, model) + 20 })
        .catch(() => null);
      if (!permit || stopped) return permit?.release();
      const delay = Math.floor((random() * jitterMs) / STEP_MS) * STEP_MS + (coldMs[sent++] ?? 0);
      if (delay > 0) await new Promise((resolve) => clock.setTimeout(resolve, delay));
      if (stopped) return permit.release();
      inFlight++;
      const response = await fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, max_tokens: 20, messages }),
      });
      const body = await response.json();
      if (response.status === 429) limiter.penalize(Number(response.headers.get('retry-after-ms')));
      permit.settle({ tokens: response.ok ? body.usage.prompt_tokens + 20 : 0 });
      inFlight--;
    }
  };
  const callers = Array.from({ length: 32 }, caller);
  const settle = async () => {
    do await new Promise((resolve) => setImmediate(resolve));
    while (inFlight > 0);
  };
  while (clock.now() < end) {
    await settle();
    clock.advance(STEP_MS);
  }
  await settle();
  const stats = server.stats().byModel[model];
  stopped = true;
  clock.advance(jitterMs + Math.max(0, ...coldMs)); // wakes the callers still waiting out their delay, so they see the stop
  await limiter.close();
  await Promise.allSettled(callers);
  await server.close();
  return {
    utilisation: (stats.requests - stats.rateLimited) / (WINDOWS * RPM),
    rateLimited: stats.rateLimited,
  };
}

const paced = await simulate({ quantumMs: 1000 });
const baseline = await simulate({ quantumMs: 1000, burstMs: Infinity });
const sliding = await simulate({});
const jittered = await simulate({ quantumMs: 1000, jitterMs: JITTER_MS });
const jitteredSliding = await simulate({ jitterMs: JITTER_MS });
const cold = await simulate({ quantumMs: 1000, coldMs: COLD_MS });
console.log(
  `pacing.virtual_quantized utilisation=${fmt(paced.utilisation, 3)} rate_limited=${paced.rateLimited} ` +
    `baseline_utilisation=${fmt(baseline.utilisation, 3)} baseline_rate_limited=${baseline.rateLimited} ` +
    `rpm=${RPM} quantum_ms=1000 windows=${WINDOWS} window_s=${WINDOW_MS / 1000} step_ms=${STEP_MS}`,
);
console.log(
  `pacing.virtual_sliding utilisation=${fmt(sliding.utilisation, 3)} rate_limited=${sliding.rateLimited} ` +
    `rpm=${RPM} windows=${WINDOWS} window_s=${WINDOW_MS / 1000} step_ms=${STEP_MS}`,
);
console.log(
  `pacing.virtual_jitter utilisation=${fmt(jittered.utilisation, 3)} rate_limited=${jittered.rateLimited} ` +
    `sliding_utilisation=${fmt(jitteredSliding.utilisation, 3)} sliding_rate_limited=${jitteredSliding.rateLimited} ` +
    `rpm=${RPM} quantum_ms=1000 jitter_ms=${JITTER_MS} windows=${WINDOWS} window_s=${WINDOW_MS / 1000} step_ms=${STEP_MS}`,
);
console.log(
  `pacing.virtual_cold_start utilisation=${fmt(cold.utilisation, 3)} rate_limited=${cold.rateLimited} ` +
    `rpm=${RPM} quantum_ms=1000 cold_ms=${COLD_MS.join('/')} windows=${WINDOWS} window_s=${WINDOW_MS / 1000} ` +
    `step_ms=${STEP_MS}`,
);
