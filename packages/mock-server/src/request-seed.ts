import { hashSeed } from './random';

const IGNORED = new Set([
  'stream',
  'stream_options',
  'mock_fault',
  'user',
  'store',
  'metadata',
  'service_tier',
]);

/** Sorted-key JSON, `undefined` dropped. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The seed of one request: the server seed and the request body, minus fields that do not change the answer
 * (`stream`, `stream_options`, `user`, `store`, `metadata`, `service_tier`, `mock_fault`). Same request → same
 * answer, whatever the tier.
 */
export function requestSeed(serverSeed: number, body: Record<string, unknown>): number {
  const kept = Object.fromEntries(Object.entries(body).filter(([key]) => !IGNORED.has(key)));
  return hashSeed(`${serverSeed}\u0000${canonicalJson(kept)}`);
}
