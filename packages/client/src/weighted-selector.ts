/**
 * Smooth weighted round-robin (nginx's algorithm, as the original since af7d1f4): deterministic, and spreads picks
 * evenly (weights 1:2 give b, a, b, b, a, b, ...). Members can be taken out of the rotation (quota exhausted).
 */
export interface WeightedSelector<T> {
  /** The next member, or `undefined` when every member was removed. */
  next(): T | undefined;
  /** Takes `member` out of the rotation for good. */
  remove(member: T): void;
  /** Members still in the rotation, in spec order. */
  active(): T[];
}

/** Creates a selector over `members` with positive `weights` (same order). */
export function createWeightedSelector<T>(
  members: readonly T[],
  weights: readonly number[],
): WeightedSelector<T> {
  const entries = members.map((member, index) => ({ member, weight: weights[index] ?? 1, current: 0 }));
  return {
    next() {
      let total = 0;
      let best: (typeof entries)[number] | undefined;
      for (const entry of entries) {
        entry.current += entry.weight;
        total += entry.weight;
        if (!best || entry.current > best.current) best = entry;
      }
      if (best) best.current -= total;
      return best?.member;
    },
    remove(member) {
      const index = entries.findIndex((entry) => entry.member === member);
      if (index >= 0) entries.splice(index, 1);
    },
    active: () => entries.map((entry) => entry.member),
  };
}
