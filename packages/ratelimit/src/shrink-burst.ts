/** 429s while the window has room that make the limiter halve its burst. */
export const SHRINK_AFTER = 2;

/** Share of a limit below which the window "has room" (a 429 then means a quantum shorter than the window). */
const ROOM = 0.9;

/** Whether the window is under {@link ROOM} of both limits, so a 429 cannot be the window's fault. */
export function hasRoom(requests: number, rpm: number, tokens: number, tpm: number): boolean {
  return requests < ROOM * rpm && tokens < ROOM * tpm;
}

/** The burst after a shrink: half, and strictly even pacing once below a millisecond. @unit ms */
export function nextBurst(burstMs: number, intervalMs: number): number {
  const half = Number.isFinite(burstMs) ? burstMs / 2 : intervalMs / 120;
  return half < 1 ? 0 : half;
}
