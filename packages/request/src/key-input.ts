/** Parameters that never change the answer, so they stay out of the cache key. */
export const UNKEYED_PARAMS: ReadonlySet<string> = new Set([
  'stream',
  'stream_options',
  'timeout',
  'user',
  'metadata',
  'store',
  'service_tier',
]);

/** Version of what goes into a key: bump it when the key input changes, so old entries are never misread. */
export const KEY_INPUT_VERSION = 1;

/**
 * Everything that changes the answer: endpoint, base URL, the body (model id, messages or input, tools,
 * response_format with its JSON schema, sampling and token parameters) and the request flag when truthy.
 */
export function keyInput(options: {
  endpoint: string;
  apiBase: string | undefined;
  body: Record<string, unknown>;
  requestFlag: unknown;
}): Record<string, unknown> {
  const body = Object.fromEntries(Object.entries(options.body).filter(([name]) => !UNKEYED_PARAMS.has(name)));
  return {
    v: KEY_INPUT_VERSION,
    endpoint: options.endpoint,
    base: normaliseBase(options.apiBase),
    body,
    ...(options.requestFlag ? { flag: options.requestFlag } : {}),
  };
}

function normaliseBase(apiBase: string | undefined): string | null {
  return apiBase ? apiBase.replace(/\/+$/, '') : null;
}
