/** What the memory layer keeps for one entry: its verified JSON text, re-parsed on every hit. */
export interface Remembered {
  text: string;
  expiresAt: number | undefined;
}

/** A least-recently-used map bounded by entry count and by total text length. */
export class MemoryLru {
  private readonly map = new Map<string, Remembered>();
  private length = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  get(key: string): Remembered | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: string, value: Remembered): void {
    this.delete(key);
    if (this.maxEntries <= 0 || value.text.length > this.maxChars) return;
    this.map.set(key, value);
    this.length += value.text.length;
    for (const [oldest, old] of this.map) {
      if (this.map.size <= this.maxEntries && this.length <= this.maxChars) break;
      this.map.delete(oldest);
      this.length -= old.text.length;
    }
  }

  delete(key: string): void {
    const value = this.map.get(key);
    if (value === undefined) return;
    this.map.delete(key);
    this.length -= value.text.length;
  }

  deleteWhere(predicate: (key: string) => boolean): void {
    for (const key of [...this.map.keys()]) if (predicate(key)) this.delete(key);
  }

  clear(): void {
    this.map.clear();
    this.length = 0;
  }
}
