/** Words (32 bits) per slot: the key's hash (two words), the offset's low 32 bits, the offset's high 8 bits and length. */
const WORDS = 4;
const TWO_32 = 2 ** 32;
/** A place packs into a slot when its offset is below 1 TiB and its length below 16 MiB - 1. */
const PACKED_OFFSET_LIMIT = 2 ** 40;
const PACKED_LENGTH_LIMIT = 0xffffff;
/** The last word of a slot whose place did not pack: the place is in `KeyTable.overflow`. */
const OVERFLOW = 0xffffffff;

/** Hash of the key last passed to `hash64` (module scratch: no array per lookup). */
let hashHigh = 0;
let hashLow = 0;

/**
 * An open-addressing hash table (linear probing) from a string key to a record's place in a pack file (offset and
 * length), kept in one typed array: 16 bytes per slot, no object per entry, no garbage-collection work. The table
 * grows by 3/2 when 4/5 of its slots are used, so it holds 20–30 bytes per entry (a million entries: ~24 MB, outside
 * the JS heap); a growth rehashes into 3/2 as many slots, so old and new together are 2.5 times the old (a doubling:
 * 3 times), until the old array is collected.
 *
 * Keys are reduced to 64 bits (two 32-bit FNV-1a variants); the pack record holds the full key and the reader compares
 * it, so a collision can cost an entry (a miss), never serve a wrong one. A place that does not pack into a slot
 * (a record of 16 MiB - 1 byte or longer, an offset of 1 TiB or more) is kept exactly in a side map.
 */
export class KeyTable {
  private slots = new Uint32Array(0);
  private capacity = 0;
  private limit = 0;
  private used = 0;
  private readonly overflow = new Map<string, { offset: number; length: number }>();

  constructor(initialSlots = 1024) {
    this.allocate(Math.max(2, initialSlots));
  }

  /** Number of keys held. */
  get size(): number {
    return this.used;
  }

  /**
   * Bytes the table holds (its slots; the rare overflow entries not counted).
   * @unit bytes
   */
  get byteLength(): number {
    return this.slots.byteLength;
  }

  /** Where the newest record of `key` is, or `undefined`. */
  get(key: string): { offset: number; length: number } | undefined {
    hash64(key);
    const at = this.find(hashHigh, hashLow) * WORDS;
    const packed = this.slots[at + 3]!;
    if (packed === 0) return undefined;
    if (packed === OVERFLOW) return this.overflow.get(`${hashHigh}:${hashLow}`);
    return { offset: (packed >>> 24) * TWO_32 + this.slots[at + 2]!, length: packed & PACKED_LENGTH_LIMIT };
  }

  /** Points `key` at a record (replacing what it pointed at). `length` is at least 1. */
  set(key: string, offset: number, length: number): void {
    hash64(key);
    const high = hashHigh;
    const low = hashLow;
    if (offset < PACKED_OFFSET_LIMIT && length < PACKED_LENGTH_LIMIT) {
      if (this.overflow.size > 0) this.overflow.delete(`${high}:${low}`);
      this.put(high, low, offset % TWO_32, (Math.floor(offset / TWO_32) << 24) | length);
    } else {
      this.overflow.set(`${high}:${low}`, { offset, length });
      this.put(high, low, 0, OVERFLOW);
    }
  }

  /** Forgets every key. */
  clear(): void {
    this.overflow.clear();
    this.allocate(1024);
  }

  /** Writes a slot; `packed` is never 0 (a length is at least 1), which marks an empty slot. */
  private put(high: number, low: number, offsetLow: number, packed: number): void {
    if (this.used >= this.limit) this.grow();
    const at = this.find(high, low) * WORDS;
    const slots = this.slots;
    if (slots[at + 3] === 0) this.used++;
    slots[at] = high;
    slots[at + 1] = low;
    slots[at + 2] = offsetLow;
    slots[at + 3] = packed;
  }

  /** The slot holding this hash, or the empty slot where it would go. */
  private find(high: number, low: number): number {
    const { slots, capacity } = this;
    let slot = ((high ^ low) & 0x7fffffff) % capacity;
    for (;;) {
      const at = slot * WORDS;
      if (slots[at + 3] === 0 || (slots[at] === high && slots[at + 1] === low)) return slot;
      slot = slot + 1 === capacity ? 0 : slot + 1;
    }
  }

  private allocate(capacity: number): void {
    this.slots = new Uint32Array(capacity * WORDS);
    this.capacity = capacity;
    this.limit = Math.floor((capacity * 4) / 5);
    this.used = 0;
  }

  private grow(): void {
    const old = this.slots;
    this.allocate(Math.ceil((this.capacity * 3) / 2));
    for (let at = 0; at < old.length; at += WORDS) {
      if (old[at + 3] !== 0) this.put(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!);
    }
  }
}

/** Two independent 32-bit FNV-1a hashes of the UTF-16 code units of `text`, into `hashHigh` and `hashLow`. */
function hash64(text: string): void {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  }
  hashHigh = a >>> 0;
  hashLow = b >>> 0;
}
