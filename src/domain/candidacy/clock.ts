/**
 * A legal clock that can be suspended: the certifier's 2-month admissibility deadline stops
 * while the file is incomplete and resumes on completion (DOMAIN.md, recevabilité).
 * Explicit state: total, remaining at the last pause, and since when it runs.
 */
export interface PausableClock {
  totalMs: number;
  remainingMs: number;
  /** ISO instant the clock last started running; null while suspended. */
  runningSince: string | null;
}

export function startClock(totalMs: number, now: Date): PausableClock {
  return { totalMs, remainingMs: totalMs, runningSince: now.toISOString() };
}

export function remainingMs(clock: PausableClock, now: Date): number {
  if (!clock.runningSince) return clock.remainingMs;
  return clock.remainingMs - (now.getTime() - Date.parse(clock.runningSince));
}

/** When the clock runs out if nothing suspends it; null while suspended. */
export function clockDueAt(clock: PausableClock): Date | null {
  if (!clock.runningSince) return null;
  return new Date(Date.parse(clock.runningSince) + clock.remainingMs);
}

export function pauseClock(clock: PausableClock, now: Date): PausableClock {
  if (!clock.runningSince) return clock;
  return { ...clock, remainingMs: Math.max(0, remainingMs(clock, now)), runningSince: null };
}

export function resumeClock(clock: PausableClock, now: Date): PausableClock {
  if (clock.runningSince) return clock;
  return { ...clock, runningSince: now.toISOString() };
}

/** The due date the clock would have if it resumed now (for a suspended clock's display). */
export function projectedDueAt(clock: PausableClock, now: Date): Date {
  return clockDueAt(clock) ?? new Date(now.getTime() + clock.remainingMs);
}
