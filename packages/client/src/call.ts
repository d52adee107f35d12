import { cachePolicy, type CachePolicy } from '@maxllm/cache';
import type { ResolvedModel } from '@maxllm/config';
import type { Budget } from '@maxllm/ledger';
import { prepareRequest, type CompleteRequest, type PreparedRequest } from '@maxllm/request';
import type { BalancedMember } from './balancer';
import type { ClientContext } from './client-context';
import { DEFAULT_MODEL, targetOf } from './target';

/** What a caller adds to a request for one call (`batchComplete`, `stream`). */
export interface CallOptions {
  /** Recorded as a batch call in the ledger. @default false */
  batch?: boolean | undefined;
  /** Budgets of this call besides the client's (`batchComplete({ maxUsd })`). */
  budgets?: readonly Budget[] | undefined;
  /** The client's global request flag when the call started (`setRequestFlag`); a per-call `requestFlag` wins. */
  requestFlag?: unknown;
  /** The signal of the HTTP requests, when it is more than `request.signal` (a stream's own stop). */
  signal?: AbortSignal | undefined;
}

/**
 * Everything one call needs, aimed at one member of its model spec: the request and its prepared form, the target
 * model, the signal, the cache flags, the budgets and the ledger's `callId`. Built once per member, read-only: every
 * stage (lookup → admit → send → account → store → record) reads it and none writes it.
 */
export interface Call {
  readonly context: ClientContext;
  readonly request: CompleteRequest;
  /** The model spec the caller asked for (`"a+b"`, an alias): error messages name it. */
  readonly spec: string;
  readonly member: BalancedMember;
  readonly resolved: ResolvedModel;
  /** The request prepared for this member: body, cache key and namespace. */
  readonly prepared: PreparedRequest;
  /** Cache read and write for this call (`force`, `RECACHE_FLAG`). */
  readonly policy: CachePolicy;
  readonly signal: AbortSignal | undefined;
  readonly batch: boolean;
  /** Budgets of this call besides the client's. */
  readonly budgets: readonly Budget[];
  /** Written to the ledger row's `call_id`. */
  readonly callId: string | undefined;
  /** See `CompleteRequest.flexFallbackAfter`. */
  readonly flexFallbackAfter: number | undefined;
  /** The client's global request flag when the call started. */
  readonly requestFlag: unknown;
}

/** A call before a member is picked: {@link aim} turns it into a {@link Call} per member, each prepared once. */
export interface CallStart {
  readonly context: ClientContext;
  readonly spec: string;
  readonly policy: CachePolicy;
  /** The {@link Call} of `member` (prepared on first use, then the same object). */
  aim(member: BalancedMember): Call;
}

/** Starts one call of `request`: its spec, flags and budgets are fixed now. */
export function startCall(
  context: ClientContext,
  request: CompleteRequest,
  options: CallOptions = {},
): CallStart {
  const spec = request.model ?? DEFAULT_MODEL;
  const common = {
    context,
    request,
    spec,
    policy: cachePolicy({ force: request.force === true, recache: context.recache }),
    signal: options.signal ?? request.signal,
    batch: options.batch ?? false,
    budgets: options.budgets ?? [],
    callId: typeof request.callId === 'string' ? request.callId : undefined,
    flexFallbackAfter: request.flexFallbackAfter,
    requestFlag: options.requestFlag,
  };
  // Most specs have one member: its call is kept aside, a map holds the others'.
  let first: Call | undefined;
  let others: Map<BalancedMember, Call> | undefined;
  return {
    context,
    spec,
    policy: common.policy,
    aim(member) {
      if (first?.member === member) return first;
      let call = others?.get(member);
      if (!call) {
        const target = targetOf(member.resolved);
        const prepared = prepareRequest(request, target, { requestFlag: options.requestFlag });
        // Written out, not spread from `common`: a spread call object came out slow to build and to read (~9% of a
        // cache hit's CPU in a profile), and every stage reads it.
        call = {
          context,
          request,
          spec,
          member,
          resolved: member.resolved,
          prepared,
          policy: common.policy,
          signal: common.signal,
          batch: common.batch,
          budgets: common.budgets,
          callId: common.callId,
          flexFallbackAfter: common.flexFallbackAfter,
          requestFlag: common.requestFlag,
        };
        if (first === undefined) first = call;
        else (others ??= new Map()).set(member, call);
      }
      return call;
    },
  };
}
