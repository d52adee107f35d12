/** 429s while the window has room that make the limiter halve its burst. */
export const SHRINK_AFTER = 2;

/** Share of a limit below which the window "has room" (a 429 then means a quantum shorter than the window). */
const ROOM = 0.9;

/** Whether the window is under {@link ROOM} of both limits, so a 429 cannot be the window's fault. */
export function hasRoom(requests: number, rpm: number, tokens: number, tpm: number): boolean {
  return requests < ROOM * rpm && tokens < ROOM * tpm;
}

/** How much one shrink slows the pace once the burst is 0, and at most in all. @unit fraction of the limit */
export const SLACK_STEP = 0.02;
export const MAX_SLACK = 0.1;

/**
 * The pacing after a shrink: half the burst, strictly even once below a millisecond; once the burst is already 0,
 * 2% more slack (the pace runs at `limit / (1 + slack)`), at most 10%: a provider that counts per quantum sees
 * requests shifted by network and event-loop jitter, and only a pace a little under its limit absorbs that.
 */
export function shrink(pacing: { burstMs: number; slack: number }, intervalMs: number): void {
  if (pacing.burstMs > 0) {
    const half = Number.isFinite(pacing.burstMs) ? pacing.burstMs / 2 : intervalMs / 120;
    pacing.burstMs = half < 1 ? 0 : half;
  } else {
    pacing.slack = Math.min(MAX_SLACK, Math.round((pacing.slack + SLACK_STEP) * 100) / 100);
  }
}
