import { redactSecrets } from './redact';

/** The error part of a JSONL output line: class name, message and the facts a client error carries (never a key). */
export function errorRecord(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: 'Error', message: redactSecrets(String(error)) };
  const facts = error as { status?: unknown; requestId?: unknown; attempts?: unknown };
  return {
    name: error.name,
    message: redactSecrets(error.message),
    ...(typeof facts.status === 'number' ? { status: facts.status } : {}),
    ...(typeof facts.requestId === 'string' ? { requestId: facts.requestId } : {}),
    ...(typeof facts.attempts === 'number' ? { attempts: facts.attempts } : {}),
  };
}
