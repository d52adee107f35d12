import { redactUrlsIn } from '@maxllm/config';

/** Anything that looks like an OpenAI-style secret key, even a partly masked one an API echoes back. */
const KEY_PATTERN = /\b(sk|rk|pk)-[A-Za-z0-9_*-]{6,}/g;

/**
 * `text` with every occurrence of the given secrets, and anything shaped like an `sk-...` key, replaced by
 * `[redacted]`, and URL credentials (password, `?api-key=`...) hidden. Used on every message built from an SDK error,
 * since providers echo keys in 401 messages.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return redactUrlsIn(result.replace(KEY_PATTERN, '[redacted]'));
}
