import type { CompleteRequest, PreparedRequest } from '@maxllm/request';
import type { TaskRecord } from './task-log';

/**
 * The `tasks.jsonl` line of a prepared request; `cached` is the cached response body, if any; `duplicateOf` the
 * custom id of an earlier identical request.
 */
export function taskRecord(
  customId: string,
  prepared: PreparedRequest,
  request: CompleteRequest,
  bodyText: string,
  cached: unknown,
  duplicateOf: string | undefined,
): TaskRecord {
  const responseFormat = prepared.body.response_format as { json_schema?: unknown } | undefined;
  return {
    customId,
    cacheKey: prepared.cacheKey,
    namespace: prepared.namespace,
    kind: prepared.kind,
    endpoint: prepared.endpoint,
    body: prepared.body,
    ...(prepared.schema ? { schema: responseFormat?.json_schema } : {}),
    jsonMode: prepared.jsonMode,
    raw: prepared.raw,
    maxTokens: prepared.maxTokens,
    promptPreview: prepared.promptPreview,
    systemPreview: prepared.systemPreview,
    tokens: Math.ceil(bodyText.length / 4),
    ...(duplicateOf === undefined ? {} : { duplicateOf }),
    cached: cached !== undefined,
    ...(cached === undefined ? {} : { response: cached }),
    request: storableRequest(request),
  };
}

/** The request without what cannot be stored: the abort signal and the zod schema (kept in memory instead). */
function storableRequest(request: CompleteRequest): Record<string, unknown> {
  const { signal: _signal, jsonFormat: _jsonFormat, ...rest } = request;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}
