/**
 * Shows an API key safely: `sk-...abcd` (the prefix before the first `-`, then the last 4 characters).
 * Keys of 12 characters or fewer show no characters at all; `undefined` or empty gives `(none)`.
 */
export function redactKey(key: string | undefined): string {
  if (!key) return '(none)';
  if (key.length <= 12) return '***';
  const dash = key.indexOf('-');
  const prefix = dash > 0 && dash <= 4 ? key.slice(0, dash + 1) : '';
  return `${prefix}...${key.slice(-4)}`;
}

/** Hides the password of a URL such as `redis://user:secret@host:6379` → `redis://user:***@host:6379`. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '(none)';
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
