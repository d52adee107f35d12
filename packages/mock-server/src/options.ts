import type { Clock } from '@maxllm/core';
import type { FaultKind } from './fault-kinds';

/** Per-model limits and behaviour; every field falls back to the server-wide option. */
export interface ModelOptions {
  /** Requests per window for this model. @default server `limits.rpm` */
  rpm?: number;
  /** Tokens per window for this model. @default server `limits.tpm` */
  tpm?: number;
  /** Completion length for this model. @default server `output` */
  output?: OutputOptions;
  /** Latency for this model. @default server `latency` */
  latency?: LatencyOptions;
  /** Random faults for this model. @default server `faults` */
  faults?: FaultOptions;
}

/** Completion length: `meanTokens ± spread·meanTokens`, capped by `max_tokens` / `max_completion_tokens`. */
export interface OutputOptions {
  /** Mean completion length. @default 40 @unit tokens */
  meanTokens?: number;
  /** Half-width of the uniform spread, as a fraction of the mean (0..1). @default 0.5 */
  spread?: number;
}

/** Response latency: uniform in `meanMs ± jitterMs`, drawn from the seeded generator. */
export interface LatencyOptions {
  /** Mean delay before answering. @default 0 @unit ms */
  meanMs?: number;
  /** Half-width of the uniform jitter. @default 0 @unit ms */
  jitterMs?: number;
}

/** Random faults, drawn from the seeded generator (the same seed gives the same sequence). Rates are 0..1. */
export interface FaultOptions {
  /** Share of requests answered with a 5xx from `statuses`. @default 0 */
  errorRate?: number;
  /** Statuses `errorRate` draws from. @default [500, 502, 503] */
  statuses?: number[];
  /** Share of requests never answered (the socket stays open until the client gives up or `close()`). @default 0 */
  timeoutRate?: number;
  /** Share of requests whose connection is reset. @default 0 */
  resetRate?: number;
  /** Share of requests answered 200 with a truncated JSON body. @default 0 */
  malformedRate?: number;
  /** Share of requests answered without `usage`. @default 0 */
  noUsageRate?: number;
  /**
   * Share of `service_tier: 'flex'` requests answered 429 `resource_unavailable` (not charged to the window;
   * other tiers are never hit). @default 0
   */
  flexUnavailableRate?: number;
}

/** Options of `createMockServer()`. */
export interface MockServerOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. @default undefined (no auth) */
  apiKey?: string;
  /** Default limits of every model. @default {} (unlimited) */
  limits?: { rpm?: number; tpm?: number };
  /** Per-model overrides, by model id. These models are also listed by `GET /v1/models`. @default {} */
  models?: Record<string, ModelOptions>;
  /** Completion length. @default { meanTokens: 40, spread: 0.5 } */
  output?: OutputOptions;
  /** Response latency. @default { meanMs: 0, jitterMs: 0 } */
  latency?: LatencyOptions;
  /** Random faults. @default none */
  faults?: FaultOptions;
  /**
   * What a request charges to the TPM window: `'reserved'` = prompt + (`max_tokens` ?? actual output), as
   * OpenAI does at admission; `'actual'` = prompt + actual output.
   * @default 'reserved'
   */
  tokenAccounting?: 'reserved' | 'actual';
  /** Length of the sliding rate-limit window. @default 60000 @unit ms */
  windowMs?: number;
  /**
   * Also enforce each model's `rpm` in shorter quanta, as providers may ("60,000 RPM may be enforced as 1,000 per
   * second"; Azure checks 1 s or 10 s periods): at most `ceil(rpm × quantumMs / windowMs)` requests in any trailing
   * `quantumMs` (a sliding window, so it is at least as strict as fixed quanta). A request refused by the quantum
   * gets a 429 whose `retry-after-ms` is the time until the quantum has room, and counts in `stats().rateLimited`.
   * Tokens keep the whole window only. @default undefined (the window alone) @unit ms
   */
  quantumMs?: number;
  /** Batch API timing. @default { stepMs: 200 } */
  batch?: {
    /** Time spent in each of validating, in_progress and finalizing. @default 200 @unit ms */ stepMs?: number;
  };
  /** Seed of every pseudo-random choice (texts, vectors, lengths, faults, latency). @default 0 */
  seed?: number;
  /** Time source for windows, latency and batch steps. @default the system clock */
  clock?: Clock;
}

/** Counters of one model. */
export interface MockModelStats {
  /** Requests that reached admission (including 429s). */
  requests: number;
  /** 429s sent (limits, forced rate-limit faults and `insufficient_quota`). */
  rateLimited: number;
  /** Prompt tokens of answered requests. @unit tokens */
  promptTokens: number;
  /** Completion tokens of answered requests. @unit tokens */
  completionTokens: number;
  /** Tokens charged to the TPM window (see `tokenAccounting`). @unit tokens */
  admittedTokens: number;
}

/** What the server saw since start (or the last `reset()`). */
export interface MockStats {
  /** HTTP requests received, every route and outcome. */
  requests: number;
  /** 429s sent. */
  rateLimited: number;
  /** Online (non-batch) counters per model id. */
  byModel: Record<string, MockModelStats>;
  /** Requests per route template, e.g. `POST /v1/chat/completions`, `GET /v1/files/{id}`. */
  byEndpoint: Record<string, number>;
  /** Batch input lines executed (they bypass the online limits and are not in `byModel`). */
  batchLines: number;
}

/** A running mock server. */
export interface MockServer {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:43123/v1`: pass it as the SDK's `baseURL`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening and destroys every socket, including requests held by a `timeout` fault. */
  close(): Promise<void>;
  /** A snapshot of the counters. */
  stats(): MockStats;
  /** Zeroes the counters and the rate-limit windows (files and batches are kept). */
  reset(): void;
  /** The next matching requests (optionally only for `model`) get these faults, in order. */
  enqueueFaults(faults: Array<{ fault: FaultKind; model?: string }>): void;
}
