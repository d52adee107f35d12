/** Membership of strings, as a resumed `results()` asks it of the `request_id`s already in the ledger. */
export interface ReadonlyStringSet {
  has(value: string): boolean;
  /** How many distinct strings were added. */
  readonly size: number;
}

/** Bytes per chunk of member text: a member never straddles two (a longer member gets a chunk of its own). */
const CHUNK_BYTES = 1024 * 1024;

/**
 * A set of strings kept as UTF-8 bytes in 1 MiB chunks, with a hash table of member indexes: no string object per
 * member, ~15–25 bytes per member on top of its bytes, outside the JS heap, and no big copy when it grows. Built for
 * the `request_id`s of a large ledger: a string yielded by `readLedgerRows` is a V8 sliced string of its line's read
 * chunk, so a `Set` of them keeps the ledger's text alive; this set copies the bytes and keeps nothing of the row.
 */
export class CompactStringSet implements ReadonlyStringSet {
  #chunks: Buffer[] = [];
  /** Bytes used in each chunk. */
  #chunkEnds: number[] = [];
  /** Where member `i` starts: chunk index × `CHUNK_BYTES` + position in its chunk. */
  #starts = new Uint32Array(1024);
  #hashes = new Uint32Array(1024);
  #count = 0;
  /** Open addressing, linear probing: member index + 1, 0 when empty. A power of two long, at most 3/4 full. */
  #table = new Uint32Array(2048);

  get size(): number {
    return this.#count;
  }

  add(value: string): void {
    const hash = hashOf(value);
    const slot = this.#find(value, hash);
    if (this.#table[slot] !== 0) return;
    if (this.#count === this.#starts.length) {
      const length = Math.ceil(this.#count * 1.5);
      this.#starts = copyInto(new Uint32Array(length), this.#starts);
      this.#hashes = copyInto(new Uint32Array(length), this.#hashes);
    }
    this.#starts[this.#count] = this.#append(value);
    this.#hashes[this.#count] = hash;
    this.#count += 1;
    this.#table[slot] = this.#count;
    if (this.#count * 4 > this.#table.length * 3) this.#rehash();
  }

  has(value: string): boolean {
    return this.#table[this.#find(value, hashOf(value))] !== 0;
  }

  /** Writes `value`'s bytes after the last member (in a new chunk when they do not fit); returns where. */
  #append(value: string): number {
    const length = Buffer.byteLength(value);
    let chunk = this.#chunks.length - 1;
    if (chunk === -1 || this.#chunkEnds[chunk]! + length > this.#chunks[chunk]!.length) {
      this.#chunks.push(Buffer.allocUnsafe(Math.max(CHUNK_BYTES, length)));
      this.#chunkEnds.push(0);
      chunk += 1;
    }
    const at = this.#chunkEnds[chunk]!;
    this.#chunkEnds[chunk] = at + this.#chunks[chunk]!.write(value, at, 'utf8');
    return chunk * CHUNK_BYTES + at;
  }

  /** The slot holding `value`, or the empty slot where it would go. */
  #find(value: string, hash: number): number {
    const mask = this.#table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const member = this.#table[slot]!;
      if (member === 0) return slot;
      const index = member - 1;
      if (this.#hashes[index] === hash && this.#member(index) === value) return slot;
    }
  }

  /** Member `index` read back: it ends where the next one starts, or at its chunk's end when that is in another. */
  #member(index: number): string {
    const start = this.#starts[index]!;
    const chunk = Math.floor(start / CHUNK_BYTES);
    const base = chunk * CHUNK_BYTES;
    const next = index + 1 < this.#count ? this.#starts[index + 1]! : -1;
    const end = next >= base && next - base < CHUNK_BYTES ? next - base : this.#chunkEnds[chunk]!;
    return this.#chunks[chunk]!.toString('utf8', start - base, end);
  }

  #rehash(): void {
    this.#table = new Uint32Array(this.#table.length * 2);
    const mask = this.#table.length - 1;
    for (let index = 0; index < this.#count; index++) {
      let slot = this.#hashes[index]! & mask;
      while (this.#table[slot] !== 0) slot = (slot + 1) & mask;
      this.#table[slot] = index + 1;
    }
  }
}

/** `target` with `source` copied to its start. */
function copyInto<T extends Uint32Array>(target: T, source: Uint32Array): T {
  target.set(source);
  return target;
}

/** 32-bit FNV-1a of the UTF-16 code units of `text`. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++)
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}
