/** How many copies of one warning are printed before further copies are only counted. */
export const MAX_REPEATS = 3;

/** Counts repeated messages so a flood (a full disk, a storm of 429s) prints a few lines and one count. */
export interface RepeatFilter {
  /** True when `message` should be printed; false once its kind was printed {@link MAX_REPEATS} times. */
  admit(level: string, message: string): boolean;
  /** One line per kind that was held back: `<count> more like: <first message>`; resets the counts. */
  drain(): Array<{ level: string; line: string }>;
}

/** Messages of one kind differ only in numbers (attempt 1/5, 376 ms, a line number). */
function kindOf(level: string, message: string): string {
  return `${level}\u0000${message.replace(/\d+(\.\d+)?/g, '#')}`;
}

/** Creates an empty filter. */
export function createRepeatFilter(): RepeatFilter {
  const kinds = new Map<string, { level: string; first: string; count: number }>();
  return {
    admit(level, message) {
      const kind = kindOf(level, message);
      const seen = kinds.get(kind);
      if (seen === undefined) {
        kinds.set(kind, { level, first: message, count: 1 });
        return true;
      }
      seen.count += 1;
      return seen.count <= MAX_REPEATS;
    },
    drain() {
      const lines = [...kinds.values()]
        .filter((kind) => kind.count > MAX_REPEATS)
        .map((kind) => ({
          level: kind.level,
          line: `${kind.count - MAX_REPEATS} more like: ${kind.first}`,
        }));
      kinds.clear();
      return lines;
    },
  };
}
