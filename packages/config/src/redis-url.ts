const example = 'redis://host:6379 or rediss://user:password@host:6380/0';

/**
 * What is wrong with a Redis URL for shared limits, or `undefined` when it is usable. Never quotes the URL (it may
 * hold a password). `ioredis` would take `notaurl` for a host name and retry it forever; we say so at load instead.
 */
export function redisUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `is not a URL: expected ${example}`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    return `must start with redis:// or rediss:// (found ${parsed.protocol.slice(0, 20)}//...): expected ${example}`;
  }
  if (!parsed.hostname) return `has no host: expected ${example}`;
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) return `has a path that is not a database number: expected ${example}`;
  return undefined;
}
