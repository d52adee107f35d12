import { extractResult, readUsage, type Usage } from '@maxllm/request';
import type { Attempt } from './call-model';
import { costUsd } from './outcome';
import { settleAttempt } from './settle-attempt';

/** One answered (non-streamed) request. */
export interface Answer {
  /** The response JSON. */
  response: unknown;
  /** `extractResult(prepared, response)`, or `undefined` when extraction was not asked. */
  result: unknown;
  /** Real usage, or `undefined` when the provider sent none. */
  usage: Usage | undefined;
  /** What the answered attempt cost as the ledger priced it. @unit USD */
  costUsd: number;
}

/** Options of {@link receiveAnswer}. */
export interface ReceiveOptions {
  /** Extract (and validate) the result, so invalid output is recorded and asked again. */
  extract: boolean;
  /** Stores the answer in the cache (see `AttemptEnd.store`). */
  store(response: unknown): Promise<void>;
}

/**
 * The `receive` of a plain (non-streamed) request: reads the answer's usage and result, then settles the attempt.
 * Invalid structured output is recorded (it was paid for) and thrown, for the retry loop to ask again.
 */
export async function receiveAnswer(attempt: Attempt, options: ReceiveOptions): Promise<Answer> {
  const { call, sent } = attempt;
  const latencyMs = call.context.clock.now() - attempt.sentAt;
  const response = sent.data;
  const usage = readUsage(response);
  let result: unknown;
  try {
    result = options.extract ? extractResult(call.prepared, response) : undefined;
  } catch (error) {
    await settleAttempt(attempt, { status: 'invalid_output', response, usage, latencyMs });
    throw error;
  }
  const cost = await settleAttempt(attempt, {
    status: 'ok',
    response,
    usage,
    latencyMs,
    store: () => options.store(response),
  });
  return { response, result, usage, costUsd: costUsd(cost) };
}
