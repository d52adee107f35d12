function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('(.*)');
  return new RegExp(`^${body}$`);
}

/** Number of `*` wildcards in a pattern. */
export function countStars(pattern: string): number {
  return pattern.split('*').length - 1;
}

/**
 * Score of `pattern` against `target`, as in the original MaxLLM: `pattern.length - 2 * stars` when the pattern
 * (with `*` = any text, case-sensitive) matches the whole target, else `-999`. `"*"` scores -1, an exact name its length.
 */
export function matchScore(pattern: string, target: string): number {
  if (!patternRegExp(pattern).test(target)) return -999;
  return pattern.length - 2 * countStars(pattern);
}

/** The texts the `*` wildcards of `pattern` matched in `target`, in order, or `undefined` when it does not match. */
export function matchCaptures(pattern: string, target: string): string[] | undefined {
  const match = patternRegExp(pattern).exec(target);
  return match ? match.slice(1).map((group) => group ?? '') : undefined;
}

/** Replaces the `*` wildcards of `template` one by one with `captures` (which must hold as many items as stars). */
export function substituteStars(template: string, captures: readonly string[]): string {
  let index = 0;
  return template.replace(/\*/g, () => captures[index++] ?? '*');
}

/**
 * The item whose `pattern` matches `target` best ({@link matchScore}); ties go to the earliest item.
 * Items without a pattern are skipped.
 */
export function findBestMatch<T>(
  items: readonly T[],
  target: string,
  patternOf: (item: T) => string | undefined,
): { item: T; index: number } | undefined {
  let best: { item: T; index: number } | undefined;
  let bestScore = -99;
  items.forEach((item, index) => {
    const pattern = patternOf(item);
    if (pattern === undefined) return;
    const score = matchScore(pattern, target);
    if (score > bestScore) {
      bestScore = score;
      best = { item, index };
    }
  });
  return best;
}
