const unitMs: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 0.000001,
};
const part = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy;

/**
 * Parses a Go-style duration as sent in `x-ratelimit-reset-*` headers (`1s`, `6m0s`, `20ms`, `1m30.5s`).
 * A bare number is read as seconds. Returns `undefined` for anything else.
 * @returns the duration. @unit milliseconds
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  if (value === '') return undefined;
  part.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(value); match; match = part.exec(value)) {
    total += Number(match[1]) * (unitMs[match[2] ?? ''] ?? Number.NaN);
    consumed = part.lastIndex;
  }
  return consumed === value.length && Number.isFinite(total) ? total : undefined;
}
