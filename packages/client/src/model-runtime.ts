import type { Clock } from '@maxllm/core';
import type { ResolvedModel } from '@maxllm/config';
import { createOutputEstimator, createRateLimiter, type RateLimiter } from '@maxllm/ratelimit';
import type OpenAI from 'openai';
import type { OpenAIPool } from './openai-pool';

/** Output-token estimator of one model (learns from real usage). */
export type OutputEstimator = ReturnType<typeof createOutputEstimator>;

/** Everything one model (by unique name) needs for a call: its limiter, output estimator and SDK instance. */
export interface ModelRuntime {
  readonly resolved: ResolvedModel;
  readonly limiter: RateLimiter;
  readonly estimator: OutputEstimator;
  readonly openai: OpenAI;
}

/** Options of {@link createRuntimeRegistry}. */
export interface RuntimeRegistryOptions {
  pool: OpenAIPool;
  clock: Clock;
  /** Window of the `rpm` / `tpm` limits. @default 60000 @unit ms */
  intervalMs?: number | undefined;
  /** The shared Redis connection when limits are shared between processes, else undefined. */
  redis(): Promise<unknown>;
}

/** Builds each model's runtime once, on first use, keyed by unique name (aliases of one model share it). */
export interface RuntimeRegistry {
  get(resolved: ResolvedModel): Promise<ModelRuntime>;
  /** Closes every limiter. */
  close(): Promise<void>;
}

/** Creates an empty registry. */
export function createRuntimeRegistry(options: RuntimeRegistryOptions): RuntimeRegistry {
  const runtimes = new Map<string, Promise<ModelRuntime>>();
  const build = async (resolved: ResolvedModel): Promise<ModelRuntime> => {
    const redis = await options.redis();
    const limiter = createRateLimiter({
      rpm: resolved.rpm,
      tpm: resolved.tpm,
      concurrency: resolved.concurrency,
      ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
      ...(resolved.burstMs === undefined ? {} : { burstMs: resolved.burstMs }),
      clock: options.clock,
      ...(redis ? { redis: { client: redis as never, id: resolved.uniqueName } } : {}),
    });
    return {
      resolved,
      limiter,
      estimator: createOutputEstimator(),
      openai: options.pool.get(resolved.apiBase, resolved.apiKey),
    };
  };
  return {
    get(resolved) {
      let runtime = runtimes.get(resolved.uniqueName);
      if (!runtime) {
        runtime = build(resolved);
        runtimes.set(resolved.uniqueName, runtime);
        // A failed build (missing ioredis) is not kept: the next call reports it again.
        runtime.catch(() => runtimes.delete(resolved.uniqueName));
      }
      return runtime;
    },
    async close() {
      const settled = await Promise.allSettled(runtimes.values());
      runtimes.clear();
      await Promise.all(
        settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value.limiter.close()] : [])),
      );
    },
  };
}
