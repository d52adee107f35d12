import { appendLines, appendLinesSync, ensureHeader, maxAppendBytes } from './append-lines.js';
import type { CallRecord } from './call-record.js';
import { emptyModelCallStatus, hitRate, type CallStatus, type ModelCallStatus } from './call-status.js';
import { systemClock, type Clock } from './clock.js';
import type { LedgerRow } from './columns.js';
import { csvHeader, csvLines } from './csv.js';
import { LedgerClosedError, LedgerWriteError } from './errors.js';
import { stderrLogger, type Logger } from './logger.js';
import { oneLine, preview } from './preview.js';
import { priceWithResolved, type CallCost } from './price-call.js';
import { resolvePrices, type ResolvedPrices } from './resolve-prices.js';
import { ledgerServiceTier } from './service-tier.js';

/** Options of `createLedger`. */
export interface LedgerOptions {
  /** CSV file to append to (created with its header, parent directories included). Usually `config.paths.ledger`. */
  path: string;
  /** Write 80-character previews of system prompt, prompt and completion; `false` leaves them empty. @default true */
  previews?: boolean;
  /** Receives the one-time unknown-price warnings and background write failures. @default warnings and errors to stderr */
  logger?: Logger;
  /** Time source for default timestamps and the flush timer. @default the system clock */
  clock?: Clock;
  /** Delay between a buffered row and its write. @default 1000 @unit ms */
  flushIntervalMs?: number;
}

/** An append-only CSV ledger with in-memory call status. */
export interface Ledger {
  /** Prices the call, updates call status and buffers a CSV row. Synchronous and cheap; returns the call's cost. */
  record(call: CallRecord): CallCost;
  /** Call status per unique name; with `model`, only that unique name (an empty object if it has no calls). */
  status(model?: string): CallStatus;
  /** Writes every buffered row. Rejects with `LedgerWriteError` if the file cannot be written. */
  flush(): Promise<void>;
  /** Flushes and stops the timer; later `record()` calls throw `LedgerClosedError`. */
  close(): Promise<void>;
  /** The CSV file. */
  readonly path: string;
}

const openLedgers = new Set<() => void>();
let exitHookInstalled = false;

function flushAllOnExit(): void {
  for (const flushSync of openLedgers) flushSync();
}

/** Creates a ledger appending to `options.path`. Several processes may share one file. */
export function createLedger(options: LedgerOptions): Ledger {
  const { path } = options;
  const previews = options.previews ?? true;
  const logger = options.logger ?? stderrLogger;
  const clock = options.clock ?? systemClock;
  const flushIntervalMs = options.flushIntervalMs ?? 1000;
  const statuses = new Map<string, ModelCallStatus>();
  const prices = new Map<string, ResolvedPrices>();
  const warned = new Set<string>();
  let pending: LedgerRow[] = [];
  let pendingBytes = 0;
  let timer: unknown;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  function pricesFor(call: CallRecord): ResolvedPrices {
    // Callers may pass a fresh overrides object per call: key by value.
    const key = JSON.stringify([call.model, call.provider, call.apiBase, call.prices]);
    let resolved = prices.get(key);
    if (resolved === undefined) {
      resolved = resolvePrices(call.model, {
        overrides: call.prices,
        provider: call.provider,
        apiBase: call.apiBase,
      });
      prices.set(key, resolved);
    }
    return resolved;
  }

  function writeNow(): Promise<void> {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    const rows = pending;
    pending = [];
    pendingBytes = 0;
    if (rows.length === 0) return chain;
    chain = chain.then(async () => {
      try {
        await ensureHeader(path, csvHeader());
        await appendLines(path, csvLines(rows));
      } catch (cause) {
        throw new LedgerWriteError(`Cannot append ${rows.length} row(s) to the ledger ${path}`, path, {
          cause,
        });
      }
    });
    const written = chain;
    chain = chain.catch(() => {});
    return written;
  }

  function writeInBackground(): void {
    writeNow().catch((error: unknown) =>
      logger.error(error instanceof Error ? error.message : String(error)),
    );
  }

  function flushSync(): void {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    try {
      appendLinesSync(path, csvHeader(), csvLines(rows));
    } catch {
      // best effort at exit
    }
  }

  openLedgers.add(flushSync);
  if (!exitHookInstalled) {
    process.on('exit', flushAllOnExit);
    exitHookInstalled = true;
  }

  function updateStatus(call: CallRecord, cost: CallCost): void {
    let status = statuses.get(call.uniqueName);
    if (status === undefined) {
      status = emptyModelCallStatus();
      statuses.set(call.uniqueName, status);
    }
    status.totalCalls += 1;
    if (call.batch) status.batchCalls += 1;
    const ok = call.status === 'ok';
    if (!ok) status.errors += 1;
    else if (call.cacheHit) status.cacheHits += 1;
    else status.cacheMisses += 1;
    const usage = call.usage;
    if (usage === undefined) return;
    const cached = usage.cachedInputTokens ?? 0;
    const reasoning = usage.reasoningTokens ?? 0;
    if (call.cacheHit) {
      status.hitInputTokens += usage.inputTokens;
      status.hitCachedInputTokens += cached;
      status.hitOutputTokens += usage.outputTokens;
      status.hitReasoningTokens += reasoning;
    } else {
      status.missInputTokens += usage.inputTokens;
      status.missCachedInputTokens += cached;
      status.missOutputTokens += usage.outputTokens;
      status.missReasoningTokens += reasoning;
    }
    if (cost.totalUsd === undefined) status.unpricedCalls += 1;
    else if (call.cacheHit) status.savedUsd += cost.totalUsd;
    else status.costUsd += cost.totalUsd;
  }

  function warnUnknownPrice(call: CallRecord, cost: CallCost, resolved: ResolvedPrices): void {
    if (call.usage === undefined || cost.totalUsd !== undefined) return;
    const tier = resolved.table === undefined ? '' : ledgerServiceTier(call.serviceTier, call.batch);
    const key = `${call.model}\0${tier}`;
    if (warned.has(key)) return;
    warned.add(key);
    logger.warn(
      resolved.table === undefined
        ? `No price known for model ${call.model} (unique name ${call.uniqueName}): its ledger cost cells stay empty. ` +
            'Set input_cost_per_million / output_cost_per_million (or provider:) for it in maxllm.yaml.'
        : `No price known for model ${call.model} (unique name ${call.uniqueName}) at service tier "${tier}": ` +
            'the cost cells of those calls stay empty.',
    );
  }

  function toRow(call: CallRecord, cost: CallCost): LedgerRow {
    const usage = call.usage;
    return {
      timestamp: (call.timestamp ?? new Date(clock.now())).toISOString(),
      model: oneLine(call.model),
      system_prompt_preview: previews ? preview(call.systemPrompt) : '',
      prompt_preview: previews ? preview(call.prompt) : '',
      completion_preview: previews ? preview(call.completion) : '',
      input_tokens: integer(usage?.inputTokens),
      output_tokens: integer(usage?.outputTokens),
      estimated_input_tokens: integer(call.estimatedInputTokens),
      estimated_output_tokens: integer(call.estimatedOutputTokens),
      total_tokens: usage === undefined ? '' : integer(usage.inputTokens + usage.outputTokens),
      cost_input_usd: usd(cost.inputUsd),
      cost_output_usd: usd(cost.outputUsd),
      cost_total_usd: usd(cost.totalUsd),
      latency_sec: call.latencyMs === undefined ? '' : (call.latencyMs / 1000).toFixed(4),
      unique_name: oneLine(call.uniqueName),
      cached_input_tokens: usage === undefined ? '' : integer(usage.cachedInputTokens ?? 0),
      reasoning_tokens: usage === undefined ? '' : integer(usage.reasoningTokens ?? 0),
      cache_hit: call.cacheHit ? 'yes' : 'no',
      batch: call.batch ? 'yes' : 'no',
      status: errorType(call.status),
      request_id: safeOrEmpty(call.requestId),
      price_source: cost.source,
      cache_write_tokens: usage === undefined ? '' : integer(usage.cacheWriteTokens ?? 0),
      service_tier: safeOrEmpty(ledgerServiceTier(call.serviceTier, call.batch)),
      call_id: safeOrEmpty(call.callId),
    };
  }

  return {
    path,
    record(call) {
      if (closed)
        throw new LedgerClosedError(`The ledger ${path} is closed; record() was called after close().`);
      const resolved = pricesFor(call);
      const cost = priceWithResolved(call.usage, call.model, resolved, {
        batch: call.batch,
        serviceTier: call.serviceTier,
        timestamp: call.timestamp,
      });
      updateStatus(call, cost);
      warnUnknownPrice(call, cost, resolved);
      const row = toRow(call, cost);
      pending.push(row);
      pendingBytes +=
        200 + row.system_prompt_preview.length + row.prompt_preview.length + row.completion_preview.length;
      if (pendingBytes >= maxAppendBytes) writeInBackground();
      else if (timer === undefined) {
        timer = clock.setTimeout(writeInBackground, flushIntervalMs);
        (timer as { unref?: () => void } | undefined)?.unref?.();
      }
      return cost;
    },
    status(model) {
      const result: CallStatus = {};
      for (const [name, status] of statuses) {
        if (model === undefined || model === name) result[name] = { ...status, hitRate: hitRate(status) };
      }
      return result;
    },
    flush: () => writeNow(),
    async close() {
      if (closed) return chain;
      closed = true;
      openLedgers.delete(flushSync);
      await writeNow();
    },
  };
}

/** Error types look like identifiers (`APIConnectionError`, `rate_limit`, `validation.json`); anything else is hidden. */
const safeToken = /^[A-Za-z0-9_.:/-]{1,80}$/;

function errorType(status: string): string {
  if (status === 'ok') return 'ok';
  return safeToken.test(status) && !/sk-/i.test(status) && !/bearer|authorization/i.test(status)
    ? status
    : 'error';
}

function safeOrEmpty(value: string | undefined): string {
  return value !== undefined && safeToken.test(value) ? value : '';
}

function integer(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '' : String(Math.round(value));
}

function usd(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  return value.toFixed(9).replace(/\.?0+$/, '');
}
