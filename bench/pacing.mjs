// Pacing (issue 21): `batchComplete` with an endless backlog at rpm 600 against the mock server, which enforces the
// limit both per 60 s window and per 1 s quantum (`quantumMs: 1000`: at most 10 requests in any trailing second),
// as providers that enforce a per-minute limit per second do. Three clients run at once, in this process:
// - `paced`: the default limiter (even pace, 100 ms burst) against a quantized server;
// - `baseline`: the same with `burst: 60` (a whole window at once: the behaviour before pacing) against it;
// - `sliding`: the default limiter against a server with the 60 s sliding window only (utilisation must not drop).
// Each run has a server process of its own, as each has a limit of its own: the baseline's bursts of refused requests
// would otherwise stall the process that times the paced client's requests (bench/NOTES.md, session 8).
// Utilisation = requests the server admitted in the first WINDOWS windows ÷ (WINDOWS × rpm); 429s are counted to
// the end of the run. Real time (quanta are about timing), so it runs WINDOWS minutes in the background.
// bench: background
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createClient } from '@maxllm/client';
import { startMock } from './_mock.mjs';
import { benchHome, fmt } from './_shared.mjs';

const WINDOW_MS = 60_000;
const WINDOWS = Number(process.env.BENCH_PACING_WINDOWS ?? 2);
const RPM = 600;
/** When the three runs start (for the times of 429s). */
let runsStart = 0;
const latency = { meanMs: 150, jitterMs: 100 };
const quantizedServer = (name) =>
  startMock({ windowMs: WINDOW_MS, quantumMs: 1000, latency, models: { [name]: { rpm: RPM } } });
const runs = [
  { name: 'paced', server: await quantizedServer('paced') },
  { name: 'baseline', server: await quantizedServer('baseline'), burst: 60 },
  {
    name: 'sliding',
    server: await startMock({ windowMs: WINDOW_MS, latency, models: { sliding: { rpm: RPM } } }),
  },
];

/** A client of its own per run (own home and logger), so warnings are counted per run. */
function clientFor(run) {
  const { home, config } = benchHome(run.server.url, {
    models: [{ name: run.name, rpm: RPM, tpm: 1e9, concurrency: 1000, burst: run.burst }],
  });
  const counter = { warnings: 0, failed: 0, limitedAt: [] };
  const logger = {
    debug() {},
    info() {},
    warn: (message) => {
      counter.warnings++;
      // When the client saw each 429 (its pause warning), from the start of the runs: at the start or mid-run.
      if (/\b429\b/.test(message)) counter.limitedAt.push((performance.now() - runsStart) / 1000);
    },
    error: (message) => {
      counter.failed++;
      console.error(`${run.name}: ${message}`);
    },
  };
  return { client: createClient({ config, home, logger }), counter };
}

function* backlog(tag) {
  for (let i = 0; ; i++) yield `${tag} question ${i}: ${'why '.repeat(i % 23)}is the sky blue?`;
}

async function execute(run) {
  const { client, counter } = clientFor(run);
  const stopper = new AbortController();
  let atEnd;
  const timer = setTimeout(async () => {
    atEnd = (await run.server.stats()).byModel[run.name];
    stopper.abort();
  }, WINDOWS * WINDOW_MS);
  try {
    await client.batchComplete(backlog(run.name), {
      model: run.name,
      concurrency: 64,
      progress: false,
      signal: stopper.signal,
    });
  } catch (error) {
    if (!stopper.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  await client.close();
  const total = (await run.server.stats()).byModel[run.name];
  return {
    ...run,
    utilisation: (atEnd.requests - atEnd.rateLimited) / (WINDOWS * RPM),
    rateLimited: total.rateLimited,
    ...counter,
  };
}

// How late this process's timers fire: on a loaded host the pace loses up to that much per admission.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
runsStart = performance.now();
const [paced, baseline, slidingRun] = await Promise.all(runs.map(execute));
loopDelay.disable();
const lag = (p) => fmt(loopDelay.percentile(p) / 1e6, 1);
for (const run of runs) await run.server.close();

console.log(
  `pacing.quantized utilisation=${fmt(paced.utilisation, 3)} rate_limited=${paced.rateLimited} ` +
    `rate_limited_at_s=${paced.limitedAt.map((s) => fmt(s, 1)).join('/') || 'none'} ` +
    `baseline_utilisation=${fmt(baseline.utilisation, 3)} baseline_rate_limited=${baseline.rateLimited} ` +
    `rpm=${RPM} quantum_ms=1000 windows=${WINDOWS} window_s=${WINDOW_MS / 1000}`,
);
console.log(
  `pacing.sliding utilisation=${fmt(slidingRun.utilisation, 3)} rate_limited=${slidingRun.rateLimited} ` +
    `rpm=${RPM} windows=${WINDOWS} window_s=${WINDOW_MS / 1000} ` +
    `loop_delay_p50_ms=${lag(50)} loop_delay_p99_ms=${lag(99)}`,
);
for (const run of [paced, baseline, slidingRun]) {
  if (run.failed > 0) process.stderr.write(`${run.name}: ${run.failed} items failed\n`);
}
