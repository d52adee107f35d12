import { stderrLogger, systemClock } from '@maxllm/core';
import { openBatch } from '@maxllm/batch';
import { createResponseCache, createSingleFlight, recacheFromEnv } from '@maxllm/cache';
import { loadConfig, type MaxllmConfig, type ResolvedModel } from '@maxllm/config';
import { createLedger, diffCallStatus, type Budget } from '@maxllm/ledger';
import { clientBudgets } from './client-budgets';
import type { CompleteRequest } from '@maxllm/request';
import { createBalancer, type Balancer } from './balancer';
import { runBatchComplete, type BatchItem } from './batch-complete';
import { batchCompleteViaBatch, type BatchViaOptions } from './batch-via';
import type { ClientContext } from './client-context';
import { runComplete } from './complete';
import { estimateRun } from './estimate-run';
import { batchUsageEstimator } from './estimated-usage';
import { toClientError } from './client-error';
import { InvalidClientRequestError } from './errors';
import { createRuntimeRegistry } from './model-runtime';
import { createOpenAIPool } from './openai-pool';
import { connectRedis, type RedisClientLike } from './redis-connection';
import { runStream } from './stream';
import type { ClientOptions, CompleteResult, MaxllmClient } from './types';

/**
 * Creates a client: models resolved through the config, one rate limiter and output estimator per model (shared
 * through Redis when the config names a Redis URL), one `openai` instance per (base URL, key) with SDK retries off,
 * the response cache under `config.paths.cache` and the CSV ledger at `config.paths.ledger`.
 * @throws ConfigError subclasses from `@maxllm/config` when the config cannot be loaded.
 */
export function createClient(options: ClientOptions = {}): MaxllmClient {
  const config = configOf(options);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? stderrLogger;
  let redisConnection: Promise<RedisClientLike | undefined> | undefined;
  let ownsRedis = false;
  const redis = (): Promise<unknown> => {
    if (options.redis === false) return Promise.resolve(undefined);
    if (options.redis !== undefined) return Promise.resolve(options.redis);
    if (!config.redisUrl) return Promise.resolve(undefined);
    ownsRedis = true;
    redisConnection ??= connectRedis(config.redisUrl, logger);
    redisConnection.catch(() => (redisConnection = undefined));
    return redisConnection;
  };
  const cache = createResponseCache({
    dir: config.paths.cache,
    clock,
    logger,
    memoryEntries: options.cacheMemoryEntries,
  });
  const ledger = createLedger({ path: config.paths.ledger, previews: config.ledger.previews, logger, clock });
  const pool = createOpenAIPool({ fetch: options.fetch, defaultHeaders: options.defaultHeaders });
  const runtimes = createRuntimeRegistry({
    pool,
    clock,
    intervalMs: options.rateWindowMs,
    redis,
  });
  const balancers = new Map<string, Balancer>();
  /** The global request flag (`setRequestFlag`): each call reads it once, when it starts. */
  let requestFlag: unknown = options.requestFlag;
  let budgets: Promise<readonly Budget[]> | undefined;
  const context: ClientContext = {
    config,
    cache,
    ledger,
    singleFlight: createSingleFlight(),
    runtimes,
    clock,
    logger,
    random: options.random ?? Math.random,
    recache: options.recache ?? recacheFromEnv({ RECACHE_FLAG: config.getEnv('RECACHE_FLAG') }),
    maxOutputRetries: options.maxOutputRetries ?? 2,
    maxRateLimitRetries: options.maxRateLimitRetries ?? 10,
    maxFlexRetries: options.maxFlexRetries ?? 10,
    retryBackoff: options.retryBackoff ?? {},
    embeddingBatchSize: options.embeddingBatchSize ?? 2048,
    embeddingTokensPerRequest: options.embeddingTokensPerRequest ?? 300_000,
    allowUnpriced: options.allowUnpriced ?? config.budget.allowUnpriced,
    budgets() {
      budgets ??= clientBudgets(config, options.maxUsd, redis);
      return budgets;
    },
    recordedCallIds: options.recordedCallIds,
    balancer(spec) {
      let balancer = balancers.get(spec);
      if (!balancer) {
        balancer = createBalancer(spec, config);
        balancers.set(spec, balancer);
      }
      return balancer;
    },
  };
  let closed = false;
  const ensureOpen = (): void => {
    if (closed)
      throw new InvalidClientRequestError(
        'This MaxLLM client is closed: create a new one with createClient().',
      );
  };
  /** What the Batch API paths need from this client (the request flag as it is now). */
  const batchDependencies = () => ({
    config,
    cache,
    ledger,
    createOpenAI: (model: ResolvedModel) => pool.get(model.apiBase, model.apiKey),
    requestFlag,
    estimateUsage: batchUsageEstimator(logger),
    clock,
    logger,
  });
  const run = async (request: CompleteRequest, batch: boolean, callBudgets?: readonly Budget[]) => {
    try {
      ensureOpen();
      return await runComplete(context, request, { batch, budgets: callBudgets, requestFlag });
    } catch (error) {
      throw toClientError(error, request);
    }
  };

  return {
    config,
    async complete<R extends CompleteRequest>(request: R): Promise<CompleteResult<R>> {
      const { result } = await run(request, false);
      return (
        request.meta === undefined || request.meta === null ? result : [result, request.meta]
      ) as CompleteResult<R>;
    },
    stream(request) {
      return {
        async *[Symbol.asyncIterator]() {
          try {
            ensureOpen();
            yield* runStream(context, request, { requestFlag });
          } catch (error) {
            throw toClientError(error, request);
          }
        },
      };
    },
    batchComplete: ((
      items: Iterable<BatchItem> | AsyncIterable<BatchItem>,
      batchOptions?: BatchViaOptions,
    ) => {
      if (batchOptions?.via === 'batch') {
        return batchCompleteViaBatch(batchDependencies(), items, batchOptions);
      }
      return runBatchComplete(
        {
          complete: (request, extra) => run(request, false, extra?.budgets),
          flush: () => ledger.flush(),
          clock,
          logger,
        },
        items,
        batchOptions,
      );
    }) as MaxllmClient['batchComplete'],
    getBatch(batchOptions) {
      return openBatch({ ...batchOptions, ...batchDependencies() });
    },
    estimate: (requests, estimateOptions) =>
      estimateRun({ config, cache, requestFlag }, requests, estimateOptions),
    getCallStatus: (model) => ledger.status(model),
    diffCallStatus: (after, before) => diffCallStatus(after, before),
    setRequestFlag(flag) {
      requestFlag = flag;
    },
    async connect() {
      ensureOpen();
      await redis();
    },
    flush: () => ledger.flush(),
    async close() {
      closed = true;
      await runtimes.close();
      pool.close();
      // Rows that cannot be written are a loud failure, after everything else is closed.
      const ledgerClosed = await ledger.close().then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
      await cache.close?.();
      if (ownsRedis && redisConnection) {
        const connection = await redisConnection.catch(() => undefined);
        await connection?.quit().catch(() => undefined);
      }
      if (ledgerClosed !== undefined) throw ledgerClosed.error;
    },
  };
}

function configOf(options: ClientOptions): MaxllmConfig {
  if (typeof options.config === 'object') return options.config;
  const env =
    options.home === undefined ? options.env : { ...(options.env ?? process.env), MAXLLM_HOME: options.home };
  return loadConfig({
    ...(typeof options.config === 'string' ? { path: options.config } : {}),
    ...(env ? { env } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
