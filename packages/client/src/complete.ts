import { extractResult, readUsage, type CompleteRequest } from '@maxllm/request';
import { lookup, store } from './cache-io';
import { startCall, type Call, type CallOptions } from './call';
import { callModel } from './call-model';
import type { ClientContext } from './client-context';
import { embedMany } from './embed-many';
import { throughMembers, type MemberStages } from './members';
import type { CompleteOutcome } from './outcome';
import { receiveAnswer, type Answer } from './receive-answer';
import { recordCall } from './record-call';

/**
 * One `complete()`, stage by stage: members (the spec's balancer) → prepare (each member's snapshot and key, once)
 * → lookup (the cache of every member) → admit (budget hold, limiter) → send (the one retry loop) → account
 * (permit, output estimator) → store (cache) → record (ledger row). An identical request in flight is joined, not
 * sent twice; an array of embedding inputs is split per input (`embedMany`). A member whose quota ran out leaves
 * the rotation and the call moves on to the next one.
 */
export function runComplete(
  context: ClientContext,
  request: CompleteRequest,
  options: CallOptions = {},
): Promise<CompleteOutcome> {
  // No `async` layer of its own (one promise fewer per call): `startCall` only gathers fields, and a throw from it
  // still reaches the caller's `try` around its `await`.
  return throughMembers(startCall(context, request, options), STAGES);
}

/** What `complete()` does with a member (one object for every call). */
const STAGES: MemberStages<CompleteOutcome> = {
  lookup: (call) => (isManyEmbeddings(call) ? Promise.resolve('skip') : cached(call)),
  send: (call) => (isManyEmbeddings(call) ? embedMany(call) : joinOrSend(call)),
};

/** The cached answer of `call`: an entry that no longer reads as valid output is a miss, and gets overwritten. */
async function cached(call: Call): Promise<CompleteOutcome | undefined> {
  const response = await lookup(call);
  if (response === undefined) return undefined;
  let result: unknown;
  try {
    result = extractResult(call.prepared, response);
  } catch {
    return undefined;
  }
  const usage = readUsage(response);
  recordCall(call, { status: 'ok', cacheHit: true, response, usage });
  return outcome(call, { response, result, usage, costUsd: 0 }, true);
}

/**
 * Sends `call` once for every identical request in flight (same namespace and key); the others join it and read
 * its answer with their own options, as a hit. A joined call that its own caller aborted was not our abort: run it
 * again (this time probably as the leader). A call that neither reads nor writes the cache always sends.
 */
async function joinOrSend(call: Call): Promise<CompleteOutcome> {
  if (!call.policy.read && !call.policy.write) return outcome(call, await send(call), false);
  let leader = false;
  for (;;) {
    try {
      const answer = await call.context.singleFlight.run(
        `${call.prepared.namespace}\0${call.prepared.cacheKey}`,
        () => {
          leader = true;
          return send(call);
        },
      );
      if (leader) return outcome(call, answer, false);
      const result = extractResult(call.prepared, answer.response);
      recordCall(call, { status: 'ok', cacheHit: true, response: answer.response });
      return outcome(call, { ...answer, result, costUsd: 0 }, true);
    } catch (error) {
      if (leader || call.signal?.aborted || !isAbort(error)) throw error;
    }
  }
}

/** Admit → send → account → store → record, through the one retry loop; the answer goes into the cache before its ledger row. */
async function send(call: Call): Promise<Answer> {
  return await callModel(call, {
    receive: (attempt) =>
      receiveAnswer(attempt, { extract: true, store: (response) => store(call, response) }),
  });
}

function outcome(call: Call, answer: Answer, cacheHit: boolean): CompleteOutcome {
  const { response, result, usage, costUsd } = answer;
  return { result, response, cacheHit, usage, costUsd, uniqueName: call.resolved.uniqueName };
}

function isManyEmbeddings(call: Call): boolean {
  return call.prepared.kind === 'embedding' && Array.isArray(call.prepared.body.input);
}

function isAbort(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'AbortError' || name === 'TimeoutError' || name === 'APIUserAbortError';
}
