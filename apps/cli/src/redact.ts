const keyPattern = /\b(sk-[A-Za-z0-9_-]{2})[A-Za-z0-9_-]{6,}([A-Za-z0-9_-]{4})\b/g;
const bearerPattern = /(Bearer\s+)\S+/gi;
const urlPasswordPattern = /(\/\/[^:/@\s]*:)[^@/\s]+@/g;

/**
 * Last line of defence before text reaches the terminal: hides anything shaped like an OpenAI key
 * (`sk-...abcd`), a bearer token or a password in a URL. The packages never put keys in messages; this makes sure.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(keyPattern, 'sk-...$2')
    .replace(bearerPattern, '$1[redacted]')
    .replace(urlPasswordPattern, '$1***@');
}
