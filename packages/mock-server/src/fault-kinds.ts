/** A fault the mock can inject into one request. */
export type FaultKind =
  | 'error500'
  | 'error502'
  | 'error503'
  | 'timeout'
  | 'reset'
  | 'malformed'
  | 'no-usage'
  | 'insufficient_quota'
  | 'rate_limit_requests'
  | 'rate_limit_tokens'
  | 'flex_unavailable';

/** Every fault kind, for validation and the CLI. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'error500',
  'error502',
  'error503',
  'timeout',
  'reset',
  'malformed',
  'no-usage',
  'insufficient_quota',
  'rate_limit_requests',
  'rate_limit_tokens',
  'flex_unavailable',
];

/** True when `value` names a fault kind. */
export function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}
