/** Input line indexes (non-negative integers), as read by `maxllm run`'s resume: one bit per line. */
export interface ReadonlyLineSet {
  has(index: number): boolean;
  /** How many distinct indexes were added. */
  readonly size: number;
}

/** Indexes below this live in the bitset (at most 16 MiB of it); larger ones, which no real input reaches, in a `Set`. */
const BITSET_LIMIT = 2 ** 27;

/**
 * A set of line indexes kept as a bitset that grows with the largest index: 1M answered lines take 128 KB where a
 * `Set<number>` takes tens of MB. Indexes that are not non-negative safe integers are ignored by `add`.
 */
export class LineSet implements ReadonlyLineSet {
  private bits = new Uint8Array(1024);
  private readonly beyond = new Set<number>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0) return;
    if (index >= BITSET_LIMIT) {
      if (!this.beyond.has(index)) this.count += 1;
      this.beyond.add(index);
      return;
    }
    const byte = index >>> 3;
    if (index >= this.bits.length * 8) {
      let length = this.bits.length;
      while (length <= byte) length *= 2;
      const grown = new Uint8Array(length);
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (index & 7);
    if ((this.bits[byte]! & mask) === 0) {
      this.bits[byte]! |= mask;
      this.count += 1;
    }
  }

  has(index: number): boolean {
    if (index >= BITSET_LIMIT) return this.beyond.has(index);
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.bits.length * 8) return false;
    return (this.bits[index >>> 3]! & (1 << (index & 7))) !== 0;
  }
}
