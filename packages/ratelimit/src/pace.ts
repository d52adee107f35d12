/**
 * How far under the limit a pace runs while it warms up after an idle spell (see {@link Pace}).
 * @unit fraction of the limit
 */
export const WARMUP_SLACK = 0.2;

/**
 * How late after its admission a request may leave and still count as on time (`permit.sent`): the usual time from
 * admission to written bytes (p50 under 1 ms, p99 4–5 ms against the mock server), which the pace's slack absorbs.
 * Counting it would slow every step by it (`bench/NOTES.md`, `pacing.*`).
 * @unit ms
 */
export const SEND_TOLERANCE_MS = 2;

/**
 * Where a pace re-spaces from after a send at `at` of a request admitted at `admittedAt`: the send less
 * {@link SEND_TOLERANCE_MS}, or `undefined` when it was on time (then nothing changes).
 * @unit ms
 */
export function lateSendFrom(admittedAt: number, at: number): number | undefined {
  return at - admittedAt > SEND_TOLERANCE_MS ? at - SEND_TOLERANCE_MS : undefined;
}

/**
 * How late an admission may come and still keep the pace's schedule (the next request spaced from when this one
 * was due, not from when it went): Node fires a timer on a whole millisecond of a clock read once per event-loop
 * turn, so a waiter wakes 0–2 ms late even on an idle loop (p50 0.5 ms at 600 rpm). Restarting the pace from each
 * such wake-up lost ~0.5% of the limit; keeping it spends at most this much of the slack a provider's short quanta
 * see over ten requests (10 ms at 1%). A later admission (a busy loop, an idle spell) restarts from its own moment.
 * @unit ms
 */
export const WAKE_TOLERANCE_MS = 2;

/**
 * Even pacing of one limit, GCRA style (a token bucket refilled continuously, kept as one number): `limit` units per
 * `intervalMs` are spread at one unit every `intervalMs / limit`, and admission may run at most `burstMs` ahead of
 * that pace. A request of `cost` units goes when the bucket has room for it; one larger than the whole burst goes
 * when the bucket is empty (it is then paid off before anything else goes), so every size gets through at the rate.
 * An admission after an idle spell of at least `warmupMs` (or the first one) starts a warm-up: for `warmupMs` the
 * pace runs at least {@link WARMUP_SLACK} under the limit, since the first requests travel on new connections and
 * reach the provider later than the ones after them.
 */
export class Pace {
  /** When the bucket is empty again (the "theoretical arrival time"); in the past when it is empty now. */
  private emptyAt = -Infinity;
  /** When the current warm-up ends. */
  private warmUntil = -Infinity;
  /** Units taken so far (less what `adjust` gave back): a request's mark for {@link Pace.sentAt}. */
  taken = 0;
  /** Time one unit takes at the full limit (0 when the limit is unbounded). @unit ms per unit */
  readonly fullUnitMs: number;

  constructor(
    limit: number,
    intervalMs: number,
    /** How far admission may run ahead of the even pace. @unit ms */
    public burstMs: number,
    /** The pace runs at `limit / (1 + slack)` (set after repeated 429s). @unit fraction */
    public slack = 0,
    /** How long the pace warms up after an idle spell that long (0: never). @unit ms */
    private readonly warmupMs = 0,
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
    if (this.fullUnitMs === 0) return now;
    const start = Math.max(this.emptyAt, now) + ahead * this.unitMs;
    return start - Math.max(0, this.burstMs - cost * this.unitMs);
  }

  /** Takes `cost` units at `now`. */
  take(cost: number, now: number): void {
    if (this.fullUnitMs === 0) return;
    this.taken += cost;
    if (this.warmupMs > 0 && now >= this.emptyAt + this.warmupMs) this.warmUntil = now + this.warmupMs;
    // Behind by more than a timer's lateness (a busy loop, an idle spell): restart from now. Catching up would put
    // this request and the next closer than the pace, which a provider counting per short quantum refuses.
    const start = now > this.emptyAt + WAKE_TOLERANCE_MS ? now : this.emptyAt;
    // The part of this request's time at the full limit that falls in the warm-up is paced WARMUP_SLACK slower
    // (whatever the rate: at 2 rpm the warm-up stretches the first request by 20% of 1 s, not of 30 s).
    const warm = Math.min(Math.max(0, this.warmUntil - start), cost * this.fullUnitMs);
    this.emptyAt =
      start + cost * this.unitMs + warm * WARMUP_SLACK - warm * Math.min(this.slack, WARMUP_SLACK);
  }

  /**
   * The request whose take began at mark `mark` (`taken` before it) left only at `at`, later than admitted (a busy
   * event loop between admission and send): the units taken since its mark are spaced from `at`, so the requests
   * admitted after it do not reach the provider bunched with it. A send on time changes nothing.
   */
  sentAt(mark: number, at: number): void {
    if (this.fullUnitMs === 0) return;
    this.emptyAt = Math.max(this.emptyAt, at + (this.taken - mark) * this.unitMs);
  }

  /** Gives back (`delta < 0`, unused tokens) or charges (`delta > 0`) units after the fact. */
  adjust(delta: number, now: number): void {
    if (this.fullUnitMs === 0 || delta === 0) return;
    this.taken += delta;
    this.emptyAt =
      delta > 0 ? Math.max(this.emptyAt, now) + delta * this.unitMs : this.emptyAt + delta * this.unitMs;
  }
}
