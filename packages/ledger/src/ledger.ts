import { stderrLogger, systemClock, unrefTimer, type Clock, type Logger } from '@maxllm/core';
import {
  appendLines,
  appendLinesSync,
  ensureHeader,
  maxAppendBytes,
  PartialAppendError,
} from './append-lines';
import type { CallRecord } from './call-record';
import { emptyModelCallStatus, hitRate, type CallStatus, type ModelCallStatus } from './call-status';
import { ledgerColumns } from './columns';
import { csvField, csvHeader } from './csv';
import { moveForeignLedger } from './foreign-ledger';
import { LedgerClosedError, LedgerWriteError } from './errors';
import { oneLine, preview } from './preview';
import { priceWithResolved, type CallCost } from './price-call';
import { resolvePrices, type ResolvedPrices } from './resolve-prices';
import { ledgerServiceTier } from './service-tier';
import { usd } from './usd-cell';

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
  /**
   * Writes every buffered row. Rejects with `LedgerWriteError` (counting the rows not written) if the file cannot be
   * written; those rows stay buffered and the next `flush()` tries again.
   */
  flush(): Promise<void>;
  /**
   * Flushes and stops the timer; later `record()` calls throw `LedgerClosedError`. Rejects with `LedgerWriteError`
   * when rows could not be written: a lost row is never silent.
   */
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
  /** CSV lines (each ending in a newline) not written yet. */
  let pending: string[] = [];
  let pendingBytes = 0;
  let timer: unknown;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  /** The last write failure, until a write succeeds. */
  let failed: LedgerWriteError | undefined;
  /** A background failure was logged (once until a write succeeds). */
  let reported = false;

  /** The last call's prices, when its overrides could not change (none, or a frozen object as the config's). */
  let last: { call: CallRecord; resolved: ResolvedPrices } | undefined;

  function pricesFor(call: CallRecord): ResolvedPrices {
    const overrides = call.prices;
    if (
      last !== undefined &&
      last.call.model === call.model &&
      last.call.provider === call.provider &&
      last.call.apiBase === call.apiBase &&
      last.call.prices === overrides &&
      (overrides === undefined || Object.isFrozen(overrides))
    ) {
      return last.resolved;
    }
    const resolved = pricesByValue(call);
    last = {
      call: {
        model: call.model,
        provider: call.provider,
        apiBase: call.apiBase,
        prices: overrides,
      } as CallRecord,
      resolved,
    };
    return resolved;
  }

  function pricesByValue(call: CallRecord): ResolvedPrices {
    // Callers may pass a fresh overrides object per call: key by value (the fields `resolvePrices` reads).
    const overrides = call.prices;
    const key = `${call.model}\0${call.provider ?? '\u0001'}\0${call.apiBase ?? '\u0001'}\0${overrides?.inputPerMillion}\0${overrides?.outputPerMillion}\0${overrides?.cachedInputPerMillion}`;
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

  // A ledger under another header (an older MaxLLM, the Python MaxLLM) is moved aside before we write anything.
  try {
    const moved = moveForeignLedger(path, csvHeader());
    if (moved !== undefined) {
      logger.warn(
        `The ledger ${path} has ${moved.kind === 'python' ? "the Python MaxLLM's" : 'an older'} header: moved it to ${moved.movedTo} (maxllm usage still reads it); new rows go to a new ${path}.`,
      );
    }
  } catch (error) {
    // Unreadable or not movable: the first write fails loudly with its own error.
    logger.debug(`Could not check the ledger header of ${path}: ${String(error)}`);
  }

  /**
   * Writes every pending row (one write at a time, in order). Rows that could not be written stay pending, in
   * order, for the next attempt; the returned promise then rejects with `LedgerWriteError` counting them.
   */
  function writeNow(): Promise<void> {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    const written = chain.then(async () => {
      if (pending.length === 0) return;
      const lines = pending;
      pending = [];
      pendingBytes = 0;
      let done = 0;
      try {
        await ensureHeader(path, csvHeader());
        await appendLines(path, lines);
        done = lines.length;
        failed = undefined;
        reported = false;
      } catch (error) {
        done = error instanceof PartialAppendError ? error.written : 0;
        const cause = error instanceof PartialAppendError ? error.cause : error;
        pending = lines.slice(done).concat(pending);
        pendingBytes = pending.reduce((total, line) => total + line.length, 0);
        failed = new LedgerWriteError(
          `Cannot write ${pending.length} row(s) to the ledger ${path}: ${describe(cause)}`,
          path,
          pending.length,
          { cause },
        );
        throw failed;
      }
    });
    chain = written.catch(() => {});
    return written;
  }

  /** Timer and size-triggered writes: a failure is logged once (with the count) until a write succeeds again. */
  function writeInBackground(): void {
    writeNow().catch((error: unknown) => {
      if (!reported) {
        reported = true;
        logger.error(
          `${error instanceof Error ? error.message : String(error)}. The rows are kept and retried; flush() and close() fail while they cannot be written.`,
        );
      }
      armTimer();
    });
  }

  function armTimer(): void {
    if (timer !== undefined || pending.length === 0 || closed) return;
    timer = clock.setTimeout(writeInBackground, flushIntervalMs);
    unrefTimer(timer);
  }

  function flushSync(): void {
    if (pending.length === 0) return;
    const lines = pending;
    pending = [];
    try {
      appendLinesSync(path, csvHeader(), lines);
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

  /** The clock's time as an ISO string (rows in the same millisecond share it). */
  let isoAt = Number.NaN;
  let iso = '';
  function isoNow(): string {
    const now = clock.now();
    if (now !== isoAt) {
      isoAt = now;
      iso = new Date(now).toISOString();
    }
    return iso;
  }

  /** `oneLine` of the last model and unique name (nearly every row repeats them). */
  const modelCell = lastValue(oneLine);
  const uniqueNameCell = lastValue(oneLine);
  /** The last USD amounts of each cost column (a run's hits repeat a few costs). */
  const inputUsdCell = lastValue(usd);
  const outputUsdCell = lastValue(usd);
  const totalUsdCell = lastValue(usd);

  /**
   * The CSV line of one call (ending in a newline), byte for byte what csv-writer wrote for its `LedgerRow`, built
   * without that row object: the fields go straight into one reused array, joined once (a flat string), and only
   * the fields that can hold a comma, a quote or a line feed go through `csvField` (the others are numbers, `yes` /
   * `no`, ISO times and tokens that `safeToken` checked).
   */
  function rowLine(call: CallRecord, cost: CallCost): string {
    const usage = call.usage;
    const row = fields;
    row[0] = call.timestamp === undefined ? isoNow() : call.timestamp.toISOString();
    row[1] = csvField(modelCell(call.model));
    row[2] = previews ? csvField(preview(call.systemPrompt)) : '';
    row[3] = previews ? csvField(preview(call.prompt)) : '';
    row[4] = previews ? csvField(preview(call.completion)) : '';
    row[5] = integer(usage?.inputTokens);
    row[6] = integer(usage?.outputTokens);
    row[7] = integer(call.estimatedInputTokens);
    row[8] = integer(call.estimatedOutputTokens);
    row[9] = usage === undefined ? '' : integer(usage.inputTokens + usage.outputTokens);
    row[10] = inputUsdCell(cost.inputUsd);
    row[11] = outputUsdCell(cost.outputUsd);
    row[12] = totalUsdCell(cost.totalUsd);
    row[13] = call.latencyMs === undefined ? '' : (call.latencyMs / 1000).toFixed(4);
    row[14] = csvField(uniqueNameCell(call.uniqueName));
    row[15] = usage === undefined ? '' : integer(usage.cachedInputTokens ?? 0);
    row[16] = usage === undefined ? '' : integer(usage.reasoningTokens ?? 0);
    row[17] = call.cacheHit ? 'yes' : 'no';
    row[18] = call.batch ? 'yes' : 'no';
    row[19] = errorType(call.status);
    row[20] = safeOrEmpty(call.requestId);
    row[21] = csvField(usage?.estimated === true ? `${cost.source}; estimated tokens` : cost.source);
    row[22] = usage === undefined ? '' : integer(usage.cacheWriteTokens ?? 0);
    row[23] = safeOrEmpty(ledgerServiceTier(call.serviceTier, call.batch));
    row[24] = `${safeOrEmpty(call.callId)}\n`;
    return row.join(',');
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
      const line = rowLine(call, cost);
      pending.push(line);
      pendingBytes += line.length;
      // While writes fail, only the timer retries (no write per record()).
      if (pendingBytes >= maxAppendBytes && failed === undefined) writeInBackground();
      else armTimer();
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
      if (closed) return writeNow();
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

/** `ENOSPC: no space left on device` style text of a file-system error (no stack, one line). */
function describe(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.split('\n')[0] ?? text;
}

function safeOrEmpty(value: string | undefined): string {
  return value !== undefined && safeToken.test(value) ? value : '';
}

function integer(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '' : String(Math.round(value));
}

/** The fields of the line being built (reused: `rowLine` is synchronous), in `ledgerColumns` order. */
const fields: string[] = new Array<string>(ledgerColumns.length).fill('');

/** `format` with its last argument and answer remembered: a repeated argument costs one comparison. */
function lastValue<T>(format: (value: T) => string): (value: T) => string {
  let known = false;
  let last: T | undefined;
  let text = '';
  return (value) => {
    if (!known || !Object.is(value, last)) {
      text = format(value);
      last = value;
      known = true;
    }
    return text;
  };
}
