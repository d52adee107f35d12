/** What the memory layer keeps for one entry: its verified JSON text, re-parsed on every hit. */
export interface Remembered {
  text: string;
  expiresAt: number | undefined;
}

interface Node {
  key: string;
  value: Remembered;
  older: Node | undefined;
  newer: Node | undefined;
}

/**
 * A least-recently-used map bounded by entry count and by total text length: a `Map` to list nodes, the list in use
 * order. Every operation is O(1) (evicting through a `Map`'s iteration order is not: V8 keeps deleted slots until it
 * rehashes, and iteration walks over them).
 */
export class MemoryLru {
  private readonly map = new Map<string, Node>();
  private oldest: Node | undefined;
  private newest: Node | undefined;
  private length = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  get(key: string): Remembered | undefined {
    const node = this.map.get(key);
    if (node === undefined) return undefined;
    if (node !== this.newest) {
      this.unlink(node);
      this.append(node);
    }
    return node.value;
  }

  set(key: string, value: Remembered): void {
    this.delete(key);
    if (this.maxEntries <= 0 || value.text.length > this.maxChars) return;
    const node: Node = { key, value, older: undefined, newer: undefined };
    this.map.set(key, node);
    this.append(node);
    this.length += value.text.length;
    while (this.oldest && (this.map.size > this.maxEntries || this.length > this.maxChars)) {
      this.delete(this.oldest.key);
    }
  }

  delete(key: string): void {
    const node = this.map.get(key);
    if (node === undefined) return;
    this.map.delete(key);
    this.unlink(node);
    this.length -= node.value.text.length;
  }

  deleteWhere(predicate: (key: string) => boolean): void {
    for (const key of [...this.map.keys()]) if (predicate(key)) this.delete(key);
  }

  clear(): void {
    this.map.clear();
    this.oldest = this.newest = undefined;
    this.length = 0;
  }

  private append(node: Node): void {
    node.older = this.newest;
    node.newer = undefined;
    if (this.newest) this.newest.newer = node;
    else this.oldest = node;
    this.newest = node;
  }

  private unlink(node: Node): void {
    if (node.older) node.older.newer = node.newer;
    else this.oldest = node.newer;
    if (node.newer) node.newer.older = node.older;
    else this.newest = node.older;
    node.older = node.newer = undefined;
  }
}
