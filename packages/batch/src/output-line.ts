import { BatchItemError } from './errors';

/** One line of a batch output or error file. */
export interface OutputLine {
  id?: string;
  custom_id: string;
  response: { status_code: number; request_id?: string; body: unknown } | null;
  error: { code?: string; message?: string } | null;
}

/** The answer body of a line when it succeeded, or the per-item error it carries. */
export function readOutputLine(line: OutputLine): { body: unknown; requestId?: string } | BatchItemError {
  const response = line.response;
  if (response && response.status_code >= 200 && response.status_code < 300 && !line.error) {
    return response.request_id === undefined
      ? { body: response.body }
      : { body: response.body, requestId: response.request_id };
  }
  if (response) {
    const error = (response.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof error?.code === 'string' ? error.code : undefined;
    const message = typeof error?.message === 'string' ? error.message : 'the API returned an error';
    return new BatchItemError(line.custom_id, response.status_code, code, message, response.body);
  }
  return new BatchItemError(
    line.custom_id,
    undefined,
    line.error?.code,
    line.error?.message ?? 'no response in the output line',
    line.error,
  );
}
