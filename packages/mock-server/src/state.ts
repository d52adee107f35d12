import type { Clock } from '@maxllm/core';
import type { ServerResponse } from 'node:http';
import type { BatchStore } from './batch-store';
import type { FaultPlanner } from './faults';
import type { FileStore } from './file-store';
import type { LatencyOptions, MockServerOptions, ModelOptions } from './options';
import type { Random } from './random';
import type { RateLimitWindow } from './rate-limit-window';
import type { StatsRecorder } from './stats';

/** Everything the routes share inside one server. */
export interface ServerState {
  options: MockServerOptions;
  seed: number;
  clock: Clock;
  windowMs: number;
  windows: Map<string, RateLimitWindow>;
  /** The per-quantum request windows (option `quantumMs`), by model. */
  quanta: Map<string, RateLimitWindow | undefined>;
  faults: FaultPlanner;
  latencyRandom: Random;
  stats: StatsRecorder;
  files: FileStore;
  batches: BatchStore;
  cachedPrompts: Set<string>;
  /** Responses held open by a `timeout` fault or a pending latency. */
  pending: Set<ServerResponse>;
  /** Latency timers, cancelled by `close()`. */
  timers: Set<unknown>;
}

/** The options of `model`, merged over the server defaults. */
export function modelOptions(
  state: ServerState,
  model: string,
): Required<Pick<ModelOptions, 'output'>> & {
  rpm?: number;
  tpm?: number;
  latency?: LatencyOptions;
  faults?: MockServerOptions['faults'];
} {
  const own = state.options.models?.[model] ?? {};
  return {
    rpm: own.rpm ?? state.options.limits?.rpm,
    tpm: own.tpm ?? state.options.limits?.tpm,
    output: { ...state.options.output, ...own.output },
    latency: own.latency ?? state.options.latency,
    faults: own.faults ?? state.options.faults,
  };
}
