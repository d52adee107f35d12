import { MockRequestError } from './errors';
import { isFaultKind } from './fault-kinds';
import { faultError } from './faults';

/** One validated input line. */
export interface BatchLine {
  customId: string;
  body: Record<string, unknown>;
}

/** A validation problem, in OpenAI's `BatchError` shape. */
export interface BatchLineError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

/**
 * Parses and checks a batch input file: JSONL of `{ custom_id, method: 'POST', url, body }`, `url` equal to the
 * batch endpoint, unique `custom_id`s, one model. Any problem fails the whole batch, as OpenAI does.
 */
export function parseBatchInput(
  content: Buffer,
  endpoint: string,
): { lines: BatchLine[]; errors: BatchLineError[] } {
  const lines: BatchLine[] = [];
  const errors: BatchLineError[] = [];
  const seen = new Set<string>();
  const models = new Set<string>();
  const rows = content.toString('utf8').split('\n');
  rows.forEach((row, index) => {
    const line = index + 1;
    if (row.trim() === '') return;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(row) as Record<string, unknown>;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
    } catch {
      errors.push({
        code: 'invalid_json_line',
        message: 'This line is not parseable as valid JSON.',
        param: null,
        line,
      });
      return;
    }
    const problem = lineProblem(parsed, endpoint, seen);
    if (problem) {
      errors.push({ ...problem, line });
      return;
    }
    const body = parsed.body as Record<string, unknown>;
    if (typeof body.model === 'string') models.add(body.model);
    seen.add(parsed.custom_id as string);
    lines.push({ customId: parsed.custom_id as string, body });
  });
  if (models.size > 1) {
    errors.push({
      code: 'mismatched_model',
      message: `The provided file contains requests for more than one model: ${[...models].join(', ')}.`,
      param: 'body.model',
      line: null,
    });
  }
  if (lines.length === 0 && errors.length === 0) {
    errors.push({ code: 'empty_file', message: 'The batch input file is empty.', param: null, line: null });
  }
  return { lines, errors };
}

function lineProblem(
  parsed: Record<string, unknown>,
  endpoint: string,
  seen: Set<string>,
): Omit<BatchLineError, 'line'> | undefined {
  if (typeof parsed.custom_id !== 'string' || parsed.custom_id === '') {
    return { code: 'missing_required_parameter', message: 'Missing custom_id.', param: 'custom_id' };
  }
  if (seen.has(parsed.custom_id)) {
    return {
      code: 'duplicate_custom_id',
      message: `The custom_id '${parsed.custom_id}' is used more than once.`,
      param: 'custom_id',
    };
  }
  if (parsed.method !== 'POST') {
    return { code: 'invalid_method', message: "The 'method' of every line must be 'POST'.", param: 'method' };
  }
  if (parsed.url !== endpoint) {
    return {
      code: 'invalid_url',
      message: `The 'url' of every line must be the batch endpoint '${endpoint}'.`,
      param: 'url',
    };
  }
  if (typeof parsed.body !== 'object' || parsed.body === null || Array.isArray(parsed.body)) {
    return { code: 'missing_required_parameter', message: "Missing or invalid 'body'.", param: 'body' };
  }
  return undefined;
}

/** The error a per-line `mock_fault` turns into (every line fault fails that line). */
export function lineFaultError(fault: unknown): MockRequestError | undefined {
  if (fault === undefined || fault === 'no-usage') return undefined;
  if (!isFaultKind(fault))
    return new MockRequestError(400, `Unknown mock_fault ${JSON.stringify(fault)}.`, { param: 'mock_fault' });
  if (fault === 'rate_limit_requests' || fault === 'rate_limit_tokens') {
    return new MockRequestError(429, 'Rate limit reached.', {
      type: fault === 'rate_limit_tokens' ? 'tokens' : 'requests',
      code: 'rate_limit_exceeded',
    });
  }
  return faultError(fault) ?? faultError('error500');
}
