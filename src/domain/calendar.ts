import { addParisDays, parisDay, parisWeekday, parisYear } from './paris-time.js';

/**
 * The French working calendar: weekends and public holidays (jours fériés, Code du travail
 * L. 3133-1) are not working days. Days are those of the Europe/Paris calendar.
 */
function easterSunday(year: number): Date {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

const DAY = 86_400_000;

export function frenchPublicHolidays(year: number): string[] {
  const easter = easterSunday(year).getTime();
  const fixed = ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25'].map(
    (md) => `${year}-${md}`,
  );
  const moving = [1, 39, 50].map((offset) => new Date(easter + offset * DAY).toISOString().slice(0, 10));
  return [...fixed, ...moving].sort();
}

/** Whether the Paris calendar day of this instant is a working day. */
export function isWorkingDay(date: Date): boolean {
  const weekday = parisWeekday(date);
  if (weekday === 0 || weekday === 6) return false;
  return !frenchPublicHolidays(parisYear(date)).includes(parisDay(date));
}

/** Adds (or, when negative, subtracts) working days, keeping the Paris time of day. */
export function addWorkingDays(from: Date, days: number): Date {
  let out = new Date(from.getTime());
  const step = days >= 0 ? 1 : -1;
  for (let left = Math.abs(days); left > 0;) {
    out = addParisDays(out, step);
    if (isWorkingDay(out)) left--;
  }
  return out;
}
