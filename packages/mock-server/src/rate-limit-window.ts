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
 *
 * A request counts at its arrival (when the server read its headers), as a provider's gateway counts it, not when
 * its body was parsed and its answer generated: a pause of the server between the two (a GC, other requests' work)
 * does not move it into a later window. Only `check()` forgets expired charges, up to the arrival it checks, so a
 * request checked after a later arrival loses at most the charges that expired between the two arrivals.
 */
export class RateLimitWindow {
  /** Admitted charges in arrival order. */
  private entries: Array<{ at: number; tokens: number }> = [];
  private tokens = 0;

  constructor(
    private readonly limits: WindowLimits,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** How many of the oldest entries have expired at `at`, and their tokens. */
  private expired(at: number): { count: number; tokens: number } {
    let count = 0;
    let tokens = 0;
    while (count < this.entries.length && this.entries[count]!.at + this.windowMs <= at) {
      tokens += this.entries[count]!.tokens;
      count++;
    }
    return { count, tokens };
  }

  /**
   * Would a request charging `tokens`, which arrived at `at`, be admitted? Charges of requests that arrived later
   * but were committed first count too (the stricter reading). `retryAfterMs` runs from now, when the 429 is sent.
   */
  check(tokens: number, at = this.clock.now()): Admission {
    const gone = this.expired(at);
    if (gone.count > 0) {
      this.entries.splice(0, gone.count);
      this.tokens -= gone.tokens;
    }
    const now = Math.max(at, this.clock.now());
    const { rpm, tpm } = this.limits;
    if (rpm !== undefined && this.entries.length + 1 > rpm) {
      const oldest = this.entries[this.entries.length - rpm];
      return {
        ok: false,
        kind: 'requests',
        retryAfterMs: oldest ? Math.max(0, oldest.at + this.windowMs - now) : this.windowMs,
        tooLarge: rpm < 1,
      };
    }
    if (tpm !== undefined && this.tokens + tokens > tpm) {
      if (tokens > tpm) return { ok: false, kind: 'tokens', retryAfterMs: this.windowMs, tooLarge: true };
      let freed = this.tokens + tokens - tpm;
      let retryAfterMs = this.windowMs;
      for (const entry of this.entries) {
        freed -= entry.tokens;
        if (freed <= 0) {
          retryAfterMs = Math.max(0, entry.at + this.windowMs - now);
          break;
        }
      }
      return { ok: false, kind: 'tokens', retryAfterMs, tooLarge: false };
    }
    return { ok: true };
  }

  /** Charges one request of `tokens` that arrived at `at`. */
  commit(tokens: number, at = this.clock.now()): void {
    let index = this.entries.length;
    while (index > 0 && this.entries[index - 1]!.at > at) index--;
    this.entries.splice(index, 0, { at, tokens });
    this.tokens += tokens;
  }

  /** The header values now. */
  state(): WindowState {
    const now = this.clock.now();
    const gone = this.expired(now);
    const { rpm, tpm } = this.limits;
    const count = this.entries.length - gone.count;
    const used = this.tokens - gone.tokens;
    const newest = this.entries[this.entries.length - 1];
    const reset = count > 0 ? newest!.at + this.windowMs - now : 0;
    return {
      limitRequests: rpm,
      limitTokens: tpm,
      remainingRequests: rpm === undefined ? undefined : Math.max(0, rpm - count),
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
