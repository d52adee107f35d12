// Limiter utilisation end to end (issue 11): `batchComplete` with an endless backlog against the mock server's
// strict sliding-window limits, one model bound by RPM and one by TPM, run at the same time. The client does not know
// the output lengths (mock: mean ± 50%, no max_tokens sent), so its TPM reservations are estimates settled later.
// Utilisation = what the server admitted in the first WINDOWS full windows ÷ (WINDOWS × limit); 429s are counted to
// the end of the run. Time can run BENCH_TIME_SCALE times faster on both sides (one shared scaled clock, so windows,
// latency, retry-after and the limiter all agree); the default is real time with 60 s windows.
// bench: background
import { createClient } from '@maxllm/client';
import { startMock } from './_mock.mjs';
import { benchHome, fmt, scaledClock } from './_shared.mjs';

const SCALE = Number(process.env.BENCH_TIME_SCALE ?? 1);
const WINDOW_MS = 60_000;
const WINDOWS = 3;
const models = [
  {
    metric: 'utilisation.rpm_binding',
    name: 'rpm-bound',
    rpm: 240,
    tpm: 1e9,
    meanTokens: 40,
    field: 'requests',
  },
  {
    metric: 'utilisation.tpm_binding',
    name: 'tpm-bound',
    rpm: 1e6,
    tpm: 24_000,
    meanTokens: 120,
    field: 'tokens',
  },
];

const clock = scaledClock(SCALE, Date.now());
const server = await startMock({
  windowMs: WINDOW_MS,
  latency: { meanMs: 150, jitterMs: 100 },
  models: Object.fromEntries(
    models.map((model) => [
      model.name,
      { rpm: model.rpm, tpm: model.tpm, output: { meanTokens: model.meanTokens, spread: 0.5 } },
    ]),
  ),
  ...(SCALE === 1 ? {} : { timeScale: { scale: SCALE, anchor: clock.now() } }),
});

/** A client of its own per model (own home, own logger), so failures are counted per model. */
function clientFor(model) {
  const { home, config } = benchHome(server.url, {
    models: [{ name: model.name, rpm: model.rpm, tpm: model.tpm, concurrency: 1000 }],
  });
  const counter = { failed: 0 };
  const logger = {
    debug() {},
    info() {},
    warn: (message) => console.error(`maxllm warn: ${message}`),
    error(message) {
      // batchComplete logs each failed item here ("Completion failed at index ...").
      counter.failed++;
      console.error(`maxllm error: ${message}`);
    },
  };
  return { client: createClient({ config, home, logger, ...(SCALE === 1 ? {} : { clock }) }), counter };
}

/** An endless backlog of prompts of varying length. */
function* backlog(tag) {
  for (let i = 0; ; i++) yield `${tag} question ${i}: ${'why '.repeat(i % 23)}is the sky blue?`;
}

async function run(model) {
  const { client, counter } = clientFor(model);
  const stopper = new AbortController();
  const started = clock.now();
  let atEnd;
  const timer = clock.setTimeout(() => {
    void server.stats().then((stats) => {
      atEnd = stats.byModel[model.name];
      stopper.abort();
    });
  }, WINDOWS * WINDOW_MS);
  try {
    await client.batchComplete(backlog(model.name), {
      model: model.name,
      concurrency: 64,
      progress: false,
      signal: stopper.signal,
    });
  } catch (error) {
    if (!stopper.signal.aborted) throw error;
  } finally {
    clock.clearTimeout(timer);
  }
  const seconds = (clock.now() - started) / 1000;
  await client.close();
  return { model, atEnd, seconds, failed: counter.failed };
}

const runs = await Promise.all(models.map(run));
const stats = await server.stats();
await server.close();

for (const { model, atEnd, seconds, failed } of runs) {
  const admittedRequests = atEnd.requests - atEnd.rateLimited;
  const requests = admittedRequests / (WINDOWS * model.rpm);
  const tokens = atEnd.admittedTokens / (WINDOWS * model.tpm);
  const binding = model.field === 'requests' ? requests : tokens;
  const rateLimited = stats.byModel[model.name]?.rateLimited ?? 0;
  console.log(
    `${model.metric} utilisation=${fmt(binding, 3)} rate_limited=${rateLimited} requests=${admittedRequests} ` +
      `failed=${failed} ` +
      `rpm_ratio=${fmt(requests, 3)} tpm_ratio=${fmt(tokens, 3)} windows=${WINDOWS} window_s=${WINDOW_MS / 1000} ` +
      `time_scale=${SCALE} virtual_s=${fmt(seconds, 1)}`,
  );
}
