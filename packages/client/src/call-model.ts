import { BudgetExceededError } from '@maxllm/ledger';
import { APIError } from 'openai';
import { admit, returnPermit, type Admission } from './admit';
import type { Call } from './call';
import { InvalidOutputError } from './errors';
import { estimateInputTokens } from './estimate';
import type { ModelRuntime } from './model-runtime';
import { recordCall } from './record-call';
import { withRetries } from './retry';
import { sendRequest, type SentResponse } from './send-request';
import { timeoutOf } from './timeout';

/** One attempt the provider answered (for a stream: accepted), until it is settled. */
export interface Attempt {
  readonly call: Call;
  readonly runtime: ModelRuntime;
  readonly admission: Admission;
  readonly sent: SentResponse;
  /** Clock time the request was sent (after admission). @unit ms */
  readonly sentAt: number;
  /** HTTP requests made for the call, this one included. */
  readonly attempts: number;
}

/** How an admitted request is sent and what is made of the provider's answer: the part `complete()` and `stream()` do not share. */
export interface Sender<T> {
  /** Ask for a stream. @default false */
  stream?: boolean;
  /**
   * Turns the answer into the call's outcome. It owns the attempt from here: it settles it (`settleAttempt`) now, or
   * when its stream ends. A throw is judged by the retry loop (invalid output is asked again).
   */
  receive(attempt: Attempt): Promise<T>;
}

/**
 * Sends `call` through the one retry loop: each attempt is admitted (budget hold, then limiter permit for the
 * estimated tokens), sent once, and handed to `sender.receive`; a failed send gives its permit back and keeps its
 * hold only when it may have been billed. A flex request that found the tier unavailable `flexFallbackAfter`
 * times goes on at the default tier. A call that fails for good gets a ledger row with the error's type (not an
 * abort, invalid output or a budget refusal: those are the caller's choice, recorded per try, or never sent).
 */
export async function callModel<T>(call: Call, sender: Sender<T>): Promise<T> {
  const { context, resolved, prepared, signal } = call;
  const runtime = await context.runtimes.get(resolved);
  const inputEstimate = estimateInputTokens(prepared);
  const timeout = timeoutOf(prepared, resolved);
  let body = prepared.body;
  const onFlexUnavailable = (failures: number): void => {
    const after = call.flexFallbackAfter;
    if (after === undefined || failures < after || body.service_tier !== 'flex') return;
    body = { ...body, service_tier: 'default' };
    context.logger.warn(
      `model '${call.spec}' (${resolved.uniqueName}): flex tier unavailable ${failures} times; sending this request on the default tier.`,
    );
  };
  try {
    return await withRetries(
      async (attempts) => {
        const admission = await admit(call, runtime, { inputEstimate, serviceTier: body.service_tier });
        const sentAt = context.clock.now();
        let sent;
        try {
          sent = await sendRequest(runtime.openai, prepared, {
            signal,
            timeout,
            body,
            stream: sender.stream,
            // A busy event loop may hold an admitted request back: the pace spaces the next ones from when it left.
            onWritten: () => admission.permit.sent(),
          });
        } catch (error) {
          returnPermit(call, runtime, admission, { error });
          // An HTTP error answer is not billed; a timeout or a broken connection may have been: keep the hold.
          await admission.hold.settle(
            error instanceof APIError && error.status !== undefined ? 0 : undefined,
          );
          throw error;
        }
        runtime.limiter.observe(sent.headers);
        return await sender.receive({ call, runtime, admission, sent, sentAt, attempts });
      },
      {
        maxRetries: resolved.maxRetries,
        maxRateLimitRetries: context.maxRateLimitRetries,
        maxFlexRetries: context.maxFlexRetries,
        maxOutputRetries: context.maxOutputRetries,
        onFlexUnavailable,
        penalize: (waitMs) => runtime.limiter.penalize(waitMs),
        clock: context.clock,
        logger: context.logger,
        random: context.random,
        backoff: context.retryBackoff,
        signal,
        details: { model: call.spec, uniqueName: resolved.uniqueName },
        secrets: [resolved.apiKey],
      },
    );
  } catch (error) {
    if (
      !signal?.aborted &&
      !(error instanceof InvalidOutputError) &&
      !(error instanceof BudgetExceededError)
    ) {
      recordCall(call, {
        status: failureType(error),
        estimates: { input: inputEstimate, output: 0 },
        requestId: (error as { requestId?: string }).requestId,
      });
    }
    throw error;
  }
}

/** The ledger's status for a failed call: the type of what went wrong (`InternalServerError`, ...). */
function failureType(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.constructor.name || cause.name : 'error';
}
