import { randomBytes } from 'node:crypto';

/** A fresh OpenAI-looking id: `prefix` + 24 alphanumerics (e.g. `chatcmpl-…`, `file-…`, `batch_…`). */
export function newId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(24);
  let id = '';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return prefix + id;
}

/** An `x-request-id` value: `req_` + 32 hex digits. */
export function newRequestId(): string {
  return `req_${randomBytes(16).toString('hex')}`;
}
