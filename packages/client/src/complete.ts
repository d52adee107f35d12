import { cachePolicy, type CachePolicy } from '@maxllm/cache';
import type { Budget } from '@maxllm/ledger';
import {
  extractResult,
  isCacheable,
  prepareRequest,
  readUsage,
  type CompleteRequest,
  type PreparedRequest,
} from '@maxllm/request';
import type { BalancedMember } from './balancer';
import { readCached, writeCached } from './cache-io';
import { callModel, type CallOutcome } from './call-model';
import type { ClientContext } from './client-context';
import { embedMany } from './embed-many';
import { QuotaExceededError } from './errors';
import { costUsd, type CompleteOutcome } from './outcome';
import { DEFAULT_MODEL, targetOf } from './target';
import { recordHit } from './record-hit';

/** Internal options of {@link runComplete}. */
export interface RunOptions {
  /** Recorded as batch calls in the ledger. @default false */
  batch?: boolean;
  /** See `CompleteRequest.flexFallbackAfter`. */
  flexFallbackAfter?: number | undefined;
  /** Budgets of this call besides the client's (`batchComplete({ maxUsd })`). */
  budgets?: readonly Budget[];
}

/**
 * One `complete()`: resolve the spec → prepare (snapshot + key) → cache read on every member → pick a member →
 * single-flight by key → limiter → SDK (retry loop) → ledger → cache write → result. A member whose quota ran out
 * leaves the rotation and the call moves on to the next one.
 */
export async function runComplete(
  context: ClientContext,
  request: CompleteRequest,
  options: RunOptions = {},
): Promise<CompleteOutcome> {
  const spec = request.model ?? DEFAULT_MODEL;
  const balancer = context.balancer(spec);
  const policy = cachePolicy({ force: request.force === true, recache: context.recache });
  // Prepared once per member: the cache read and the call use the same snapshot and key.
  const preparedBy = new Map<BalancedMember, PreparedRequest>();
  const prepare = (member: BalancedMember): PreparedRequest => {
    let prepared = preparedBy.get(member);
    if (!prepared) {
      prepared = prepareRequest(request, targetOf(member.resolved), { requestFlag: context.requestFlag });
      preparedBy.set(member, prepared);
    }
    return prepared;
  };

  if (policy.read) {
    for (const member of balancer.active()) {
      const prepared = prepare(member);
      if (isManyEmbeddings(prepared)) break;
      const hit = await readHit(context, member, prepared, options, request);
      if (hit) return hit;
    }
  }
  for (;;) {
    const member = balancer.pick();
    if (!member) throw new QuotaExceededError(`Every model of '${spec}' ran out of quota.`, { model: spec });
    const prepared = prepare(member);
    try {
      if (isManyEmbeddings(prepared)) {
        return await embedMany(context, member, request, prepared, policy, { spec, ...options });
      }
      return await miss(context, member, prepared, policy, request, spec, {
        ...options,
        flexFallbackAfter: request.flexFallbackAfter,
      });
    } catch (error) {
      if (!(error instanceof QuotaExceededError) || balancer.active().length <= 1) throw error;
      balancer.remove(member);
      context.logger.warn(
        `model '${member.alias}' (${member.resolved.uniqueName}) is out of quota: removed from '${spec}'.`,
      );
    }
  }
}

function isManyEmbeddings(prepared: PreparedRequest): boolean {
  return prepared.kind === 'embedding' && Array.isArray(prepared.body.input);
}

/** The request's `callId` (a string), if any. */
function callIdOf(request: CompleteRequest): string | undefined {
  return typeof request.callId === 'string' ? request.callId : undefined;
}

async function readHit(
  context: ClientContext,
  member: BalancedMember,
  prepared: PreparedRequest,
  options: RunOptions,
  request: CompleteRequest,
): Promise<CompleteOutcome | undefined> {
  const response = await readCached(context, prepared.namespace, prepared.cacheKey);
  if (response === undefined) return undefined;
  let result: unknown;
  try {
    result = extractResult(prepared, response);
  } catch {
    return undefined; // an entry that no longer reads as valid output is a miss, and gets overwritten
  }
  recordHit(context, member.resolved, prepared, response, options.batch ?? false, callIdOf(request));
  return {
    result,
    response,
    cacheHit: true,
    usage: readUsage(response),
    costUsd: 0,
    uniqueName: member.resolved.uniqueName,
  };
}

async function miss(
  context: ClientContext,
  member: BalancedMember,
  prepared: PreparedRequest,
  policy: CachePolicy,
  request: CompleteRequest,
  spec: string,
  options: RunOptions,
): Promise<CompleteOutcome> {
  const { resolved } = member;
  const signal = request.signal;
  const callId = callIdOf(request);
  const runtime = await context.runtimes.get(resolved);
  /**
   * Runs the call once for every identical request in flight. If we joined a call that its own caller aborted, we
   * did not abort: run it again (this time probably as the leader).
   */
  const joinOrLead = async (): Promise<CallOutcome> => {
    for (;;) {
      try {
        return await context.singleFlight.run(`${prepared.namespace}\0${prepared.cacheKey}`, () => {
          leader = true;
          return call();
        });
      } catch (error) {
        if (leader || signal?.aborted || !isAbort(error)) throw error;
      }
    }
  };
  const call = async () => {
    // The answer goes into the cache before its ledger row is recorded (see `beforeRecord`).
    return await callModel(context, runtime, prepared, {
      alias: spec,
      signal,
      batch: options.batch,
      flexFallbackAfter: options.flexFallbackAfter,
      budgets: options.budgets,
      callId,
      beforeRecord: async (response) => {
        if (!policy.write || !isCacheable(prepared, response)) return;
        await writeCached(
          context,
          prepared.namespace,
          prepared.cacheKey,
          response,
          resolved.model,
          readUsage(response),
        );
      },
    });
  };
  let leader = !policy.read && !policy.write;
  const outcome = leader ? await call() : await joinOrLead();
  const base = { response: outcome.response, usage: outcome.usage, uniqueName: resolved.uniqueName };
  if (leader) return { ...base, result: outcome.result, cacheHit: false, costUsd: costUsd(outcome.cost) };
  // Joined an identical call in flight: no HTTP request of our own; read the answer with our own options (raw...).
  const result = extractResult(prepared, outcome.response);
  recordHit(context, resolved, prepared, outcome.response, options.batch ?? false, callId);
  return { ...base, result, cacheHit: true, costUsd: 0 };
}

function isAbort(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'AbortError' || name === 'TimeoutError' || name === 'APIUserAbortError';
}
