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

/** Query parameter names that carry credentials: `key`, `api-key`, `x-goog-api-key`, `access_token`, `sig`... */
const credentialName =
  /^(?:[\w.-]*[-_.])?(?:api[-_]?key|apikey|key|token|secret|password|passwd|pwd|sig|signature|auth|authorization|credentials?)$/i;

/**
 * A URL safe to print: the password (or a user name without password, as in `https://TOKEN@host`) and the values of
 * credential query parameters (`?api-key=`, `key=`, `token=`, `sig=`...) become `***`. Other parts are kept, so the
 * host stays recognisable: `https://u:***@host/v1?api-key=***`. A string that is not a URL gives `(unparsable URL)`.
 */
export function redactUrl(url: string | undefined): string {
  if (!url) return '(none)';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(unparsable URL)';
  }
  let changed = false;
  if (parsed.password) {
    parsed.password = '***';
    changed = true;
  } else if (parsed.username) {
    parsed.username = '***';
    changed = true;
  }
  for (const name of new Set(parsed.searchParams.keys())) {
    if (!credentialName.test(name)) continue;
    parsed.searchParams.set(name, '***');
    changed = true;
  }
  return changed ? parsed.toString().replace(/%2A%2A%2A/g, '***') : url;
}

const userInfoInText = /(\b[a-z][\w+.-]*:\/\/)([^\s/@:]*)(?::([^\s/@]*))?@/gi;
const credentialParamInText =
  /([?&;](?:[\w.-]*[-_.])?(?:api[-_]?key|apikey|key|token|secret|password|passwd|pwd|sig|signature|auth|authorization|credentials?)=)[^&#\s"'<>]+/gi;

/**
 * `text` with the credentials of every URL in it hidden as {@link redactUrl} does (for messages and logs that may
 * quote a URL: SDK errors, stack traces).
 */
export function redactUrlsIn(text: string): string {
  return text
    .replace(userInfoInText, (_match, scheme: string, user: string, password: string | undefined) =>
      password === undefined ? `${scheme}***@` : `${scheme}${user}:***@`,
    )
    .replace(credentialParamInText, '$1***');
}
