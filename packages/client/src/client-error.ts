import { BudgetExceededError } from '@maxllm/ledger';
import { CompletionError, InvalidClientRequestError, InvalidOutputError, MaxllmClientError } from './errors';

/**
 * The error `complete()` throws for `error`: client errors as they are; other MaxLLM errors (invalid request,
 * unknown model) as {@link InvalidClientRequestError} and unexpected ones as {@link CompletionError}, with their message, so every failure is a {@link MaxllmClientError} with the
 * model and the caller's `meta`. A caller's abort is passed through unchanged.
 */
export function toClientError(
  error: unknown,
  request: { model?: string; meta?: unknown; signal?: AbortSignal },
): unknown {
  if (request.signal?.aborted && error === request.signal.reason) return error;
  if (isAbort(error)) return error;
  // A refused call was never sent: the budget's own error, as documented, for callers to catch by class.
  if (error instanceof BudgetExceededError) return error;
  let clientError: MaxllmClientError;
  if (error instanceof MaxllmClientError) clientError = error;
  else {
    const message = error instanceof Error ? error.message : String(error);
    // Output that does not read as asked; another package's MaxLLM error (unknown model, bad request, unkeyable
    // parameter) means the request was wrong; anything else is a failed call.
    const Class =
      nameOf(error) === 'OutputValidationError'
        ? InvalidOutputError
        : isMaxllmError(error)
          ? InvalidClientRequestError
          : CompletionError;
    clientError = new Class(message, { model: request.model, cause: error });
  }
  // `meta: null` is the original's `meta=None`: no meta.
  return request.meta === undefined || request.meta === null
    ? clientError
    : clientError.withMeta(request.meta);
}

function isMaxllmError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && Symbol.for('maxllm.error') in error;
}

function isAbort(error: unknown): boolean {
  const name = nameOf(error);
  return name === 'AbortError' || name === 'APIUserAbortError';
}

function nameOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
}
