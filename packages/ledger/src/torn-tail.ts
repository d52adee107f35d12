/**
 * Waits between looks at a file's tail that does not end in a newline, before it is judged torn. Another process's
 * `write()` in flight shows the same tail: the kernel publishes the file's size page by page while it copies, and a
 * reader does not wait for the writer. Its write ends in a newline a moment later, and a newline of ours would then
 * land after it as an empty line. A tail that keeps its size through every wait belongs to a writer that died.
 * @unit ms
 */
export const tornTailWaitsMs: readonly number[] = [0, 2, 5, 10, 20, 40, 80];

/** Looks after which the tail is taken as torn however it moved: writers that never pause cannot stall an append. */
const maxLooks = 64;

/** What to do after a look: stop (with whether a newline must come first), or look again after `waitMs`. */
export type TailStep = { done: true; newline: boolean } | { done: false; waitMs: number };

/**
 * Judges a file's tail from successive looks. Feed `next()` the file's size when its last byte is not a newline,
 * or `undefined` when the file is empty or ends in a newline. The same judge serves the async append and the
 * synchronous one at exit, so the rule lives in one place.
 */
export function createTornTailJudge(waitsMs: readonly number[] = tornTailWaitsMs): {
  next(tornSize: number | undefined): TailStep;
} {
  let looks = 0;
  let stable = 0;
  let lastSize: number | undefined;
  return {
    next(tornSize) {
      looks += 1;
      if (tornSize === undefined) return { done: true, newline: false };
      stable = tornSize === lastSize ? stable + 1 : 0;
      lastSize = tornSize;
      const waitMs = waitsMs[stable];
      if (waitMs === undefined || looks >= maxLooks) return { done: true, newline: true };
      return { done: false, waitMs };
    },
  };
}
