import { addWorkingDays } from './calendar.js';
import { addParisDays, addParisMonths, parisDay } from './paris-time.js';

/**
 * Policy durations. Legal deadlines are in calendar months or days ("2 mois", "15 jours"),
 * so a duration keeps its calendar parts instead of a fixed number of milliseconds.
 * `seconds` lets tests compress a policy.
 */
export interface PolicyDuration {
  months?: number;
  days?: number;
  /** Working days: weekends and French public holidays skipped (src/domain/calendar.ts). */
  workingDays?: number;
  hours?: number;
  seconds?: number;
}

/**
 * The longest duration a policy may hold, in each unit: 10 years. Beyond, a date is meaningless,
 * and a large enough one is no date at all (`addDuration` would give an Invalid Date and the
 * workflow computing a clock would fail).
 */
export const POLICY_DURATION_MAX = {
  months: 120,
  days: 3_660,
  workingDays: 2_600,
  hours: 87_840,
  seconds: 315_360_000,
} as const satisfies Required<PolicyDuration>;

/**
 * Adds a calendar duration to an instant on the Europe/Paris calendar: months clamp to the
 * month's last day and, like days and working days, keep the Paris wall-clock time across a
 * daylight-saving change; hours and seconds are exact elapsed time.
 */
export function addDuration(from: Date, d: PolicyDuration): Date {
  let out = new Date(from.getTime());
  if (d.months) out = addParisMonths(out, d.months);
  if (d.workingDays) out = addWorkingDays(out, d.workingDays);
  if (d.days) out = addParisDays(out, d.days);
  return new Date(out.getTime() + (d.hours ?? 0) * 3_600_000 + (d.seconds ?? 0) * 1000);
}

/** Subtracts a duration (used for "7 days before the deadline" warnings). */
export function subtractDuration(from: Date, d: PolicyDuration): Date {
  return addDuration(from, {
    months: -(d.months ?? 0),
    days: -(d.days ?? 0),
    workingDays: -(d.workingDays ?? 0),
    hours: -(d.hours ?? 0),
    seconds: -(d.seconds ?? 0),
  });
}

/** A French label for the Temporal UI and e-mails: « 2 mois », « 15 jours », « 30 s ». */
export function formatDurationFr(d: PolicyDuration): string {
  const parts: string[] = [];
  if (d.months) parts.push(`${d.months} mois`);
  if (d.days) parts.push(`${d.days} jour${Math.abs(d.days) > 1 ? 's' : ''}`);
  if (d.workingDays)
    parts.push(
      `${d.workingDays} jour${Math.abs(d.workingDays) > 1 ? 's' : ''} ouvré${Math.abs(d.workingDays) > 1 ? 's' : ''}`,
    );
  if (d.hours) parts.push(`${d.hours} h`);
  if (d.seconds) parts.push(`${d.seconds} s`);
  return parts.length ? parts.join(' ') : '0 s';
}

/** The Paris calendar date (YYYY-MM-DD) for summaries: dates only, no personal data. */
export function isoDay(d: Date): string {
  return parisDay(d);
}
