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
  const body: Record<string, unknown> = {};
  for (const name of Object.keys(options.body)) {
    if (!UNKEYED_PARAMS.has(name)) body[name] = options.body[name];
  }
  // Keys in sorted order: the canonical JSON of the key then needs no copy of this level.
  const input: Record<string, unknown> = {
    base: normaliseBase(options.apiBase),
    body,
    endpoint: options.endpoint,
  };
  if (options.requestFlag) input.flag = options.requestFlag;
  input.v = KEY_INPUT_VERSION;
  return input;
}

function normaliseBase(apiBase: string | undefined): string | null {
  return apiBase ? apiBase.replace(/\/+$/, '') : null;
}
