/** Models every mock server lists, besides the configured ones. */
export const DEFAULT_MODELS = [
  'gpt-4o-mini',
  'gpt-4o',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-4.1-nano',
  'o3-mini',
  'o4-mini',
  'gpt-3.5-turbo-instruct',
  'text-embedding-3-small',
  'text-embedding-3-large',
  'text-embedding-ada-002',
];

/** An OpenAI `Model` object. */
export function modelObject(id: string): { id: string; object: 'model'; created: number; owned_by: string } {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'system' };
}

/** `GET /v1/models`: configured models first, then the defaults. */
export function listModels(configured: readonly string[]): {
  object: 'list';
  data: Array<ReturnType<typeof modelObject>>;
} {
  const ids = [...new Set([...configured, ...DEFAULT_MODELS])];
  return { object: 'list', data: ids.map(modelObject) };
}
