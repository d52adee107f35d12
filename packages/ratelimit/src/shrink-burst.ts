/** 429s while the window has room that make the limiter halve its burst. */
export const SHRINK_AFTER = 2;

/**
 * Whether the window could take one more request under both limits, so a 429 is not the local window's own verdict:
 * the provider counts over a shorter quantum (or sees traffic this limiter does not). Not "well under the limit": a
 * pace that keeps the window at the limit in steady state must still learn from 429s.
 */
export function hasRoom(requests: number, rpm: number, tokens: number, tpm: number): boolean {
  return requests + 1 <= rpm && tokens < tpm;
}

/** How much one shrink slows the pace once the burst is 0, and at most in all. @unit fraction of the limit */
export const SLACK_STEP = 0.02;
export const MAX_SLACK = 0.1;

/**
 * The pacing after a shrink: half the burst, strictly even (0) once that is less than one request's time at the
 * pace (`unitMs`, or a millisecond), since such a burst lets nothing more through at once. A burst that is already
 * no more than one request's time (0, or the default at 600 rpm and below) is strictly even: then 2% more slack (the
 * pace runs at `limit / (1 + slack)`), at most 10%: a provider that counts per quantum sees requests shifted by
 * network and event-loop jitter, and only a pace a little under its limit absorbs that.
 */
export function shrink(
  pacing: { burstMs: number; slack: number },
  intervalMs: number,
  /** One request's time at the full request limit. @unit ms */
  unitMs: number,
): void {
  const strict = Math.max(1, unitMs);
  if (pacing.burstMs > strict) {
    const half = Number.isFinite(pacing.burstMs) ? pacing.burstMs / 2 : intervalMs / 120;
    pacing.burstMs = half < strict ? 0 : half;
  } else {
    pacing.burstMs = 0;
    pacing.slack = Math.min(MAX_SLACK, Math.round((pacing.slack + SLACK_STEP) * 100) / 100);
  }
}
