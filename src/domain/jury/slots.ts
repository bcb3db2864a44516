import { isWorkingDay } from '../calendar.js';
import { addParisDays, fromParis, parisDay, toParis } from '../paris-time.js';
import type { Slot } from './types.js';

/** The half-day slots of a horizon: 09:00–12:30 and 13:30–17:00, Paris time, on working days. */
export function halfDaySlots(from: Date, days: number): Slot[] {
  const slots: Slot[] = [];
  for (let d = 0; d < days; d++) {
    const w = toParis(addParisDays(from, d));
    const at = (hhmm: string) =>
      fromParis({
        ...w,
        hour: Number(hhmm.slice(0, 2)),
        minute: Number(hhmm.slice(3)),
        second: 0,
        millisecond: 0,
      });
    if (!isWorkingDay(at('12:00'))) continue;
    const day = parisDay(at('12:00'));
    for (const [id, start, end] of [
      ['am', '09:00', '12:30'],
      ['pm', '13:30', '17:00'],
    ] as const) {
      slots.push({
        id: `${day}-${id}`,
        startsAt: at(start).toISOString(),
        endsAt: at(end).toISOString(),
      });
    }
  }
  return slots;
}
