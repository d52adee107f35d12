/**
 * An open-addressing hash table from a string key to a record's place in a pack file (offset and length), kept in
 * typed arrays: 20 bytes per slot, no object per entry, so a million entries cost ~40 MB outside the JS heap and no
 * garbage-collection work. Keys are reduced to 64 bits (two 32-bit FNV-1a variants); the pack record holds the full
 * key and the reader compares it, so a collision can cost an entry (a miss), never serve a wrong one.
 */
export class KeyTable {
  private high = new Uint32Array(0);
  private low = new Uint32Array(0);
  private offsets = new Float64Array(0);
  private lengths = new Uint32Array(0); // 0 marks an empty slot (a record is never empty)
  private used = 0;

  constructor(initialSlots = 1024) {
    this.allocate(initialSlots);
  }

  /** Number of keys held. */
  get size(): number {
    return this.used;
  }

  /** Where the newest record of `key` is, or `undefined`. */
  get(key: string): { offset: number; length: number } | undefined {
    const [high, low] = hash64(key);
    const slot = this.find(high, low);
    if (this.lengths[slot] === 0) return undefined;
    return { offset: this.offsets[slot]!, length: this.lengths[slot]! };
  }

  /** Points `key` at a record (replacing what it pointed at). */
  set(key: string, offset: number, length: number): void {
    const [high, low] = hash64(key);
    this.put(high, low, offset, length);
  }

  /** Forgets every key. */
  clear(): void {
    this.allocate(1024);
  }

  private put(high: number, low: number, offset: number, length: number): void {
    if ((this.used + 1) * 4 > this.lengths.length * 3) this.grow();
    const slot = this.find(high, low);
    if (this.lengths[slot] === 0) this.used++;
    this.high[slot] = high;
    this.low[slot] = low;
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
  }

  private find(high: number, low: number): number {
    const mask = this.lengths.length - 1;
    let slot = (high ^ low) & mask;
    while (this.lengths[slot] !== 0 && (this.high[slot] !== high || this.low[slot] !== low)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private allocate(slots: number): void {
    this.high = new Uint32Array(slots);
    this.low = new Uint32Array(slots);
    this.offsets = new Float64Array(slots);
    this.lengths = new Uint32Array(slots);
    this.used = 0;
  }

  private grow(): void {
    const { high, low, offsets, lengths } = this;
    this.allocate(lengths.length * 2);
    for (let slot = 0; slot < lengths.length; slot++) {
      if (lengths[slot] !== 0) this.put(high[slot]!, low[slot]!, offsets[slot]!, lengths[slot]!);
    }
  }
}

/** Two independent 32-bit FNV-1a hashes of the UTF-16 code units of `text`. */
function hash64(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, b >>> 0];
}
