/**
 * The Europe/Paris calendar. Legal deadlines ("2 mois", "15 jours") run on the calendar of
 * the people they bind, so month and day arithmetic is done on Paris wall-clock dates and a
 * deadline keeps its time of day across a daylight-saving change. Dates shown to people are
 * in that zone too; API instants stay ISO 8601 (UTC).
 *
 * Pure and deterministic (Intl with a fixed zone), so workflow code may use it.
 */
export const PARIS_TIME_ZONE = 'Europe/Paris';

export interface WallClock {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: PARIS_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The Paris wall-clock reading of an instant. */
export function toParis(instant: Date): WallClock {
  const parts: Record<string, number> = {};
  for (const p of partsFormat.formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
    millisecond: instant.getUTCMilliseconds(),
  };
}

/** Offset of Paris from UTC at an instant, in ms (+1 h in winter, +2 h in summer). */
function offsetMs(instant: Date): number {
  const w = toParis(instant);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  return asUtc - instant.getTime();
}

/**
 * The instant of a Paris wall-clock reading. Out-of-range fields roll over as in Date.UTC
 * (day 32 is the next month's 1st). A time skipped by the spring change is taken one hour
 * later; a time repeated in autumn, at its second occurrence (winter time).
 */
export function fromParis(w: WallClock): Date {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  let guess = asUtc - offsetMs(new Date(asUtc));
  guess = asUtc - offsetMs(new Date(guess));
  return new Date(guess);
}

/** Days in a month of the (proleptic Gregorian) calendar; month 1..12. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Adds calendar months on the Paris calendar; the day clamps to the month's last day. */
export function addParisMonths(from: Date, months: number): Date {
  const w = toParis(from);
  const index = w.year * 12 + (w.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return fromParis({ ...w, year, month, day: Math.min(w.day, daysInMonth(year, month)) });
}

/** Adds calendar days on the Paris calendar, keeping the wall-clock time. */
export function addParisDays(from: Date, days: number): Date {
  const w = toParis(from);
  return fromParis({ ...w, day: w.day + days });
}

/** The Paris calendar date of an instant, `YYYY-MM-DD`. */
export function parisDay(instant: Date | string): string {
  const w = toParis(new Date(instant));
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The calendar year in Paris (a request at 23:30 UTC on 31 December is next year's). */
export function parisYear(instant: Date | string): number {
  return toParis(new Date(instant)).year;
}

/** Weekday in Paris: 0 = Sunday … 6 = Saturday. */
export function parisWeekday(instant: Date): number {
  const w = toParis(instant);
  return new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
}

const dayFr = new Intl.DateTimeFormat('fr-FR', {
  timeZone: PARIS_TIME_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const dayTimeFr = new Intl.DateTimeFormat('fr-FR', {
  timeZone: PARIS_TIME_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** « 3 février 2027 », in Paris. */
export function formatDayFr(instant: Date | string): string {
  return dayFr.format(new Date(instant));
}

/** « 3 février 2027 à 14:30 », in Paris. */
export function formatDayTimeFr(instant: Date | string): string {
  return dayTimeFr.format(new Date(instant));
}
