import { UsageError } from './errors';

const unitMs: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a duration such as `90s`, `15m`, `12h`, `7d`, `2w` or `1d12h` into milliseconds.
 * @unit ms
 * @throws UsageError naming the option when the text is not a duration.
 */
export function parseDuration(text: string, option = 'duration'): number {
  const trimmed = text.trim();
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (const match of trimmed.matchAll(pattern)) {
    total += Number(match[1]) * (unitMs[match[2] ?? ''] ?? 0);
    matched += match[0].length;
  }
  if (trimmed === '' || matched !== trimmed.length) {
    throw new UsageError(`${option}: "${text}" is not a duration (examples: 90s, 15m, 12h, 7d, 2w)`);
  }
  return total;
}
