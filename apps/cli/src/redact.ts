import { redactUrlsIn } from '@maxllm/config';

const keyPattern = /\b(sk-[A-Za-z0-9_-]{2})[A-Za-z0-9_-]{6,}([A-Za-z0-9_-]{4})\b/g;
const bearerPattern = /(Bearer\s+)\S+/gi;

/**
 * Last line of defence before text reaches the terminal: hides anything shaped like an OpenAI key
 * (`sk-...abcd`), a bearer token, or a URL's credentials (password, `?api-key=`, `key=`, `token=`...). The packages
 * never put keys in messages; this makes sure.
 */
export function redactSecrets(text: string): string {
  return redactUrlsIn(text.replace(keyPattern, 'sk-...$2').replace(bearerPattern, '$1[redacted]'));
}
