import { abortReason, type Clock, type Logger, sleep } from '@maxllm/core';
import { APIError } from 'openai';
import { backoffDelay } from './backoff';
import { BudgetExceededError } from '@maxllm/ledger';
import { classifyFailure } from './classify-failure';
import {
  CompletionError,
  InvalidOutputError,
  MaxllmClientError,
  QuotaExceededError,
  RequestTooLargeError,
  type ErrorDetails,
} from './errors';
import { redactSecrets } from './redact';

/** Options of {@link withRetries}. */
export interface RetryOptions {
  /** Retries after 5xx, 408, 409, connection errors and timeouts (the model's `max_retries`). */
  maxRetries: number;
  /** Retries after a 429 that says "wait". @default 10 */
  maxRateLimitRetries?: number;
  /** Re-asks after output that does not parse or validate. @default 2 */
  maxOutputRetries?: number;
  /** Retries after a flex tier's 429 "resource unavailable". @default 10 */
  maxFlexRetries?: number;
  /**
   * Told of each flex "resource unavailable" failure (1, 2, ...) before the retry, so the caller may change the
   * next attempt (fall back to the default tier).
   */
  onFlexUnavailable?: (failures: number) => void;
  /** Pauses the model's limiter after a 429 (`RateLimiter.penalize`). */
  penalize(waitMs: number): void;
  clock: Clock;
  logger: Logger;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
  /** First and largest backoff delay. @default { initialMs: 500, maxMs: 8000 } */
  backoff?: { initialMs?: number; maxMs?: number };
  signal?: AbortSignal | undefined;
  /** Model facts every thrown error carries. */
  details: { model: string; uniqueName: string };
  /** Strings never to let into an error message (the model's API key). */
  secrets: ReadonlyArray<string | undefined>;
}

/**
 * The client's one retry loop. Runs `attempt` (which acquires the limiter, calls the API once and reads the answer)
 * until it succeeds or a failure is final:
 * - 429 "wait" → `penalize(waitMs)` so every caller of the model pauses for the 429's `retry-after-ms` /
 *   `retry-after` (1 s when it names none, never a whole window), then try again (admission waits);
 * - a request larger than the model's `tpm` (our estimate, or the provider's "Request too large") →
 *   {@link RequestTooLargeError} at once, nobody paused;
 * - 429 `insufficient_quota` / billing → {@link QuotaExceededError} at once;
 * - 429 "resource unavailable" of the flex tier → sleep with exponential backoff and jitter, this request only
 *   (no pause of the model), up to `maxFlexRetries`;
 * - 5xx / 408 / 409 / connection / timeout → sleep with exponential backoff and jitter, honouring `retry-after-ms`
 *   and `retry-after`, up to `maxRetries`;
 * - invalid structured output → ask again, up to `maxOutputRetries`;
 * - anything else → {@link CompletionError} at once.
 * Every error thrown carries the model, unique name, request id, status and attempt count; none has the API key.
 */
export async function withRetries<T>(
  attempt: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const limits = {
    transient: options.maxRetries,
    rate: options.maxRateLimitRetries ?? 10,
    output: options.maxOutputRetries ?? 2,
    flex: options.maxFlexRetries ?? 10,
  };
  const used = { transient: 0, rate: 0, output: 0, flex: 0 };
  for (let attempts = 1; ; attempts++) {
    try {
      return await attempt(attempts);
    } catch (error) {
      if (options.signal?.aborted) throw abortReason(options.signal);
      const failure = classifyFailure(error, options.clock.now());
      const fail = (Class: typeof CompletionError, what: string): CompletionError =>
        new Class(message(what, error, attempts, options), facts(error, attempts, options));
      switch (failure.action) {
        case 'abort':
          throw error;
        case 'fatal':
          if (error instanceof MaxllmClientError || error instanceof BudgetExceededError) throw error;
          throw fail(CompletionError, 'failed');
        case 'quota':
          throw fail(QuotaExceededError, `stopped (${failure.reason})`);
        case 'too-large':
          // This request alone is over the limit: it fails now and the model is not paused for the others.
          throw new RequestTooLargeError(
            `Request to ${who(options)} is too large: ${failure.tokens ?? 'more'} tokens against a limit of ` +
              `${failure.limit ?? 'fewer'} tokens per minute (tpm); it can never be admitted, so it was not ` +
              `retried. Shorten the prompt or max_tokens, or raise tpm.`,
            { ...facts(error, attempts, options), tokens: failure.tokens, limit: failure.limit },
          );
        case 'invalid-output':
          if (++used.output > limits.output) throw fail(InvalidOutputError, 'gave invalid output');
          options.logger.warn(
            `${who(options)}: invalid output, asking again (${used.output}/${limits.output}).`,
          );
          break;
        case 'rate-limited':
          if (++used.rate > limits.rate) throw fail(CompletionError, 'stayed rate limited');
          options.logger.warn(
            `${who(options)}: 429 (${failure.kind}), pausing ${Math.round(failure.waitMs)} ms (${used.rate}/${limits.rate}).`,
          );
          options.penalize(failure.waitMs);
          break;
        case 'flex-unavailable': {
          // Only this request waits: no penalize(), so the model's other requests (and tiers) go on.
          if (++used.flex > limits.flex) throw fail(CompletionError, 'found the flex tier unavailable');
          options.onFlexUnavailable?.(used.flex);
          const delay = backoffDelay(used.flex, undefined, options.clock.now(), {
            ...options.backoff,
            random: options.random,
          });
          options.logger.warn(
            `${who(options)}: flex tier unavailable (429); retry ${used.flex}/${limits.flex} in ${delay} ms.`,
          );
          await sleep(options.clock, delay, options.signal);
          break;
        }
        case 'transient': {
          if (++used.transient > limits.transient) throw fail(CompletionError, 'failed');
          const delay = backoffDelay(used.transient, failure.headers, options.clock.now(), {
            ...options.backoff,
            random: options.random,
          });
          options.logger.warn(
            `${who(options)}: ${short(error, options)}; retry ${used.transient}/${limits.transient} in ${delay} ms.`,
          );
          await sleep(options.clock, delay, options.signal);
          break;
        }
      }
    }
  }
}

function who(options: RetryOptions): string {
  const { model, uniqueName } = options.details;
  return model === uniqueName ? `model '${model}'` : `model '${model}' (${uniqueName})`;
}

function short(error: unknown, options: RetryOptions): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactSecrets(text, options.secrets).slice(0, 300);
}

function message(what: string, error: unknown, attempts: number, options: RetryOptions): string {
  const requestId = requestIdOf(error);
  return (
    `Call to ${who(options)} ${what} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ` +
    `${short(error, options)}${requestId ? ` (request id ${requestId})` : ''}`
  );
}

function facts(error: unknown, attempts: number, options: RetryOptions): ErrorDetails {
  return {
    ...options.details,
    attempts,
    requestId: requestIdOf(error),
    status: error instanceof APIError && typeof error.status === 'number' ? error.status : undefined,
    cause: error,
  };
}

function requestIdOf(error: unknown): string | undefined {
  return error instanceof APIError ? (error.requestID ?? undefined) : undefined;
}
