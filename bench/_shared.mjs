// Helpers shared by the benchmarks (files starting with `_` are not benchmarks).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The benchmarks' placeholder key: the mock server accepts any key. */
export const BENCH_API_KEY = 'bench-not-a-real-key';

/**
 * A temp folder, removed when the process exits (a 100k-answer cache takes ~1.3 GB); `BENCH_KEEP=1` keeps it.
 */
export function tempDir(prefix = 'maxllm-bench-') {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  if (process.env.BENCH_KEEP !== '1') process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A temp MAXLLM_HOME with a maxllm.yaml that sends models to `url`: every model ("*") with the given limits, or only
 * the listed `models` (each `{ name, rpm, tpm, concurrency, burst? }`; `burst` in seconds, see the config README).
 */
export function benchHome(url, { rpm = 1e9, tpm = 1e12, concurrency = 1000, models } = {}) {
  const home = tempDir();
  const config = path.join(home, 'maxllm.yaml');
  const entries = models ?? [{ name: '*', rpm, tpm, concurrency }];
  writeFileSync(
    config,
    [
      'model_list:',
      ...entries.flatMap((model) => [
        `  - model_name: "${model.name}"`,
        '    litellm_params:',
        `      model: "${model.name}"`,
        `      api_base: ${url}`,
        `      api_key: ${BENCH_API_KEY}`,
        `      rpm: ${model.rpm ?? rpm}`,
        `      tpm: ${model.tpm ?? tpm}`,
        `      concurrency: ${model.concurrency ?? concurrency}`,
        ...(model.burst === undefined ? [] : [`      burst: ${model.burst}`]),
        // gpt-4o-mini's prices, so models the price table does not know price too (and do not warn).
        '      input_cost_per_million: 0.15',
        '      output_cost_per_million: 0.6',
      ]),
      'rate_limit:',
      '  default:',
      ...entries.map(
        (model) =>
          `    - { model_name: "${model.name}", rpm: ${model.rpm ?? rpm}, tpm: ${model.tpm ?? tpm}, ` +
          `rpm_upper_bound: ${model.rpm ?? rpm}, tpm_upper_bound: ${model.tpm ?? tpm} }`,
      ),
      '',
    ].join('\n'),
  );
  return { home, config };
}

/**
 * A clock (`now`, `setTimeout`, `clearTimeout`, as `@maxllm/*` take) on which time runs `scale` times faster than
 * real time from the real instant `anchor` on. Two processes given the same `anchor` and `scale` agree on the time.
 */
export function scaledClock(scale, anchor) {
  const realNow = () => performance.timeOrigin + performance.now();
  return {
    now: () => anchor + (realNow() - anchor) * scale,
    setTimeout: (callback, ms) => setTimeout(callback, Math.max(0, ms) / scale),
    clearTimeout: (handle) => clearTimeout(handle),
  };
}

/** Runs `task(i)` for i in [0, n) with `concurrency` workers; returns elapsed seconds and per-call latencies (ms). */
export async function pool(n, concurrency, task) {
  let next = 0;
  const latencies = new Float64Array(n);
  const started = performance.now();
  async function worker() {
    while (next < n) {
      const i = next++;
      const t0 = performance.now();
      await task(i);
      latencies[i] = performance.now() - t0;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { seconds: (performance.now() - started) / 1000, latencies };
}

export function percentile(values, p) {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const fmt = (value, digits = 0) => Number(value).toFixed(digits);

/** Peak RSS of this process so far, in MB (Linux: VmHWM). */
export function peakRssMb() {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    if (match) return Number(match[1]) / 1024;
  } catch {
    // fall through
  }
  return process.memoryUsage().rss / 2 ** 20;
}
