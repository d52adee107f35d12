/** One admission (or a later charge) counted in the window. */
export interface WindowEntry {
  at: number;
  requests: number;
  tokens: number;
  /** False once the entry has left the window. */
  live: boolean;
  /** When its request finished (settle/release), or `Infinity` while in flight. */
  end: number;
}

/**
 * Sliding-window log: every admission is kept, with running totals of requests and tokens, until `windowMs` after
 * its request finished, but at most `windowMs + marginMs` after admission (the provider sees a request somewhere
 * between our admission and its response). Entries leave in admission order, so one can wait behind an older one.
 * Adding and expiring are O(1) amortised (an array used as a queue).
 */
export class WindowLog {
  private entries: WindowEntry[] = [];
  private head = 0;
  /** Requests in the window. */
  requests = 0;
  /** Tokens in the window. @unit tokens */
  tokens = 0;

  constructor(
    readonly windowMs: number,
    readonly marginMs: number,
  ) {}

  /** When `entry` may leave the window. */
  private expiry(entry: WindowEntry): number {
    return entry.at + this.windowMs + Math.min(this.marginMs, entry.end - entry.at);
  }

  add(at: number, requests: number, tokens: number, end = Infinity): WindowEntry {
    const entry: WindowEntry = { at, requests, tokens, live: true, end };
    this.entries.push(entry);
    this.requests += requests;
    this.tokens += tokens;
    return entry;
  }

  /** Drops every entry that is `windowMs` old at `now`. */
  expire(now: number): void {
    const { entries } = this;
    while (this.head < entries.length) {
      const entry = entries[this.head]!;
      if (this.expiry(entry) > now) break;
      entry.live = false;
      this.requests -= entry.requests;
      this.tokens -= entry.tokens;
      this.head++;
    }
    if (this.head === entries.length) {
      this.entries = [];
      this.head = 0;
      this.requests = 0;
      this.tokens = 0;
    } else if (this.head > 1024 && this.head * 2 > entries.length) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Records that the entry's request finished at `now`. */
  finish(entry: WindowEntry, now: number): void {
    entry.end = Math.max(entry.at, now);
  }

  /** Changes an entry's tokens by `delta` (refund < 0, charge > 0); a charge on an expired entry is counted now. */
  adjust(entry: WindowEntry, delta: number, now: number): void {
    if (entry.live) {
      const next = Math.max(0, entry.tokens + delta);
      this.tokens += next - entry.tokens;
      entry.tokens = next;
    } else if (delta > 0) {
      this.add(now, 0, delta, now);
    }
  }

  /** When at least `count` requests will have left the window, or `undefined` if the log holds fewer. */
  requestsFreedAt(count: number): number | undefined {
    return this.freedAt(count, (entry) => entry.requests);
  }

  /** When at least `count` tokens will have left the window, or `undefined` if the log holds fewer. */
  tokensFreedAt(count: number): number | undefined {
    return this.freedAt(count, (entry) => entry.tokens);
  }

  private freedAt(count: number, amount: (entry: WindowEntry) => number): number | undefined {
    let freed = 0;
    let at = -Infinity;
    for (let index = this.head; index < this.entries.length; index++) {
      const entry = this.entries[index]!;
      at = Math.max(at, this.expiry(entry));
      freed += amount(entry);
      if (freed >= count) return at;
    }
    return undefined;
  }
}
