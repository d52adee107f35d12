/**
 * Even pacing of one limit, GCRA style (a token bucket refilled continuously, kept as one number): `limit` units per
 * `intervalMs` are spread at one unit every `intervalMs / limit`, and admission may run at most `burstMs` ahead of
 * that pace. A request of `cost` units goes when the bucket has room for it; one larger than the whole burst goes
 * when the bucket is empty (it is then paid off before anything else goes), so every size gets through at the rate.
 */
export class Pace {
  /** When the bucket is empty again (the "theoretical arrival time"); in the past when it is empty now. */
  private emptyAt = -Infinity;
  /** Time one unit takes at the full limit (0 when the limit is unbounded). @unit ms per unit */
  readonly fullUnitMs: number;

  constructor(
    limit: number,
    intervalMs: number,
    /** How far admission may run ahead of the even pace. @unit ms */
    public burstMs: number,
    /** The pace runs at `limit / (1 + slack)` (set after repeated 429s). @unit fraction */
    public slack = 0,
  ) {
    this.fullUnitMs = Number.isFinite(limit) ? intervalMs / limit : 0;
  }

  /** Time one unit takes at the pace (0 when the limit is unbounded). @unit ms per unit */
  get unitMs(): number {
    return this.fullUnitMs * (1 + this.slack);
  }

  /**
   * Earliest time a request of `cost` units may go, after `ahead` units of earlier waiters; `<= now` means now.
   */
  readyAt(cost: number, now: number, ahead = 0): number {
    if (this.unitMs === 0) return now;
    const start = Math.max(this.emptyAt, now) + ahead * this.unitMs;
    return start - Math.max(0, this.burstMs - cost * this.unitMs);
  }

  /** Takes `cost` units at `now`. */
  take(cost: number, now: number): void {
    if (this.unitMs === 0) return;
    // Behind (a late wake-up, an idle spell): restart from now. Catching up would put this request and the next
    // closer than the pace, which a provider counting per short quantum refuses; the burst absorbs lateness.
    this.emptyAt = Math.max(this.emptyAt, now) + cost * this.unitMs;
  }

  /** Gives back (`delta < 0`, unused tokens) or charges (`delta > 0`) units after the fact. */
  adjust(delta: number, now: number): void {
    if (this.unitMs === 0 || delta === 0) return;
    this.emptyAt =
      delta > 0 ? Math.max(this.emptyAt, now) + delta * this.unitMs : this.emptyAt + delta * this.unitMs;
  }
}
