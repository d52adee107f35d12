import { InvalidRequestError, OutputValidationError } from '@maxllm/request';
import { describe, expect, it } from 'vitest';
import { toClientError } from './client-error';
import { CompletionError, InvalidClientRequestError, InvalidOutputError, QuotaExceededError } from './errors';

describe('toClientError', () => {
  it('keeps client errors and adds the caller’s meta to a copy', () => {
    const original = new QuotaExceededError('quota', { model: 'm', attempts: 1 });
    const thrown = toClientError(original, { meta: { row: 3 } });
    expect(thrown).toBeInstanceOf(QuotaExceededError);
    expect(thrown).toMatchObject({ message: 'quota', model: 'm', attempts: 1, meta: { row: 3 } });
    expect(original.meta).toBeUndefined();
    expect(toClientError(original, {})).toBe(original);
  });

  it('wraps other errors by kind, keeping the message and the cause', () => {
    const invalid = new InvalidRequestError("'prompt' or 'messages' must be provided.");
    expect(toClientError(invalid, { model: 'm' })).toBeInstanceOf(InvalidClientRequestError);
    expect(toClientError(new OutputValidationError('bad json', '{'), {})).toBeInstanceOf(InvalidOutputError);
    const unexpected = new TypeError('boom');
    const wrapped = toClientError(unexpected, { model: 'm' });
    expect(wrapped).toBeInstanceOf(CompletionError);
    expect(wrapped).toMatchObject({ message: 'boom', model: 'm', cause: unexpected });
  });

  it('passes a caller’s abort through unchanged', () => {
    const controller = new AbortController();
    controller.abort();
    const reason: unknown = controller.signal.reason;
    expect(toClientError(reason, { signal: controller.signal, meta: 1 })).toBe(reason);
  });
});
