import type { Clock } from '@maxllm/core';

/** Limits of one model. Absent = unlimited. */
export interface WindowLimits {
  /** Requests per window. */
  rpm?: number;
  /** Tokens per window. */
  tpm?: number;
}

/** The outcome of `check()`: admitted, or which limit ran out and when it frees up. */
export type Admission =
  { ok: true } | { ok: false; kind: 'requests' | 'tokens'; retryAfterMs: number; tooLarge: boolean };

/** The `x-ratelimit-*` values at one moment. */
export interface WindowState {
  limitRequests?: number;
  limitTokens?: number;
  remainingRequests?: number;
  remainingTokens?: number;
  /** Time until the request count is back to zero. @unit ms */
  resetRequestsMs: number;
  /** Time until the token count is back to zero. @unit ms */
  resetTokensMs: number;
}

/**
 * A sliding-window log for one model: every admitted request is remembered with its token charge for
 * `windowMs`; a request is admitted when the requests and tokens inside the last `windowMs` stay within the
 * limits. `check()` does not charge, so a 429 never consumes the window; `commit()` charges.
 */
export class RateLimitWindow {
  private entries: Array<{ at: number; tokens: number }> = [];
  private tokens = 0;

  constructor(
    private readonly limits: WindowLimits,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop]!.at + this.windowMs <= now) {
      this.tokens -= this.entries[drop]!.tokens;
      drop++;
    }
    if (drop > 0) this.entries.splice(0, drop);
  }

  private usedTokens(): number {
    return this.tokens;
  }

  /** Would a request charging `tokens` be admitted now? */
  check(tokens: number): Admission {
    const now = this.clock.now();
    this.prune(now);
    const { rpm, tpm } = this.limits;
    if (rpm !== undefined && this.entries.length + 1 > rpm) {
      const oldest = this.entries[this.entries.length - rpm];
      return {
        ok: false,
        kind: 'requests',
        retryAfterMs: oldest ? oldest.at + this.windowMs - now : this.windowMs,
        tooLarge: rpm < 1,
      };
    }
    if (tpm !== undefined && this.usedTokens() + tokens > tpm) {
      if (tokens > tpm) return { ok: false, kind: 'tokens', retryAfterMs: this.windowMs, tooLarge: true };
      let freed = this.usedTokens() + tokens - tpm;
      let retryAfterMs = this.windowMs;
      for (const entry of this.entries) {
        freed -= entry.tokens;
        if (freed <= 0) {
          retryAfterMs = entry.at + this.windowMs - now;
          break;
        }
      }
      return { ok: false, kind: 'tokens', retryAfterMs, tooLarge: false };
    }
    return { ok: true };
  }

  /** Charges one request of `tokens` now. */
  commit(tokens: number): void {
    this.entries.push({ at: this.clock.now(), tokens });
    this.tokens += tokens;
  }

  /** Adds `tokens` to the most recent charge (for accounting that learns the output later). */
  addToLast(tokens: number): void {
    const last = this.entries[this.entries.length - 1];
    if (!last) return;
    last.tokens += tokens;
    this.tokens += tokens;
  }

  /** The header values now. */
  state(): WindowState {
    const now = this.clock.now();
    this.prune(now);
    const { rpm, tpm } = this.limits;
    const newest = this.entries[this.entries.length - 1];
    const reset = newest ? newest.at + this.windowMs - now : 0;
    const used = this.usedTokens();
    return {
      limitRequests: rpm,
      limitTokens: tpm,
      remainingRequests: rpm === undefined ? undefined : Math.max(0, rpm - this.entries.length),
      remainingTokens: tpm === undefined ? undefined : Math.max(0, tpm - used),
      resetRequestsMs: reset,
      resetTokensMs: used > 0 ? reset : 0,
    };
  }

  /** Forgets every charge. */
  clear(): void {
    this.entries = [];
    this.tokens = 0;
  }
}
