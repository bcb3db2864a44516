import { sessionYear } from '../../../domain/jury/eligibility.js';
import type { ProposedSession, Slot } from '../../../domain/jury/types.js';

/** What the sub-plans solved before this one already hold (decomposition by certification). */
export interface Carried {
  /** Member id → the spans they already sit in. */
  busy: Map<string, Slot[]>;
  /** Member id → Paris year → sessions already given to them. */
  sessions: Map<string, Map<string, number>>;
}

export function emptyCarried(): Carried {
  return { busy: new Map(), sessions: new Map() };
}

/** Adds a decoded sub-plan's sessions to what the next sub-problems must respect. */
export function carryPlan(carried: Carried, sessions: ProposedSession[]): void {
  for (const s of sessions) {
    const year = sessionYear(s);
    for (const id of s.memberIds) {
      const busy = carried.busy.get(id) ?? [];
      busy.push({ id: s.slotId, startsAt: s.startsAt, endsAt: s.endsAt });
      carried.busy.set(id, busy);
      const years = carried.sessions.get(id) ?? new Map<string, number>();
      years.set(year, (years.get(year) ?? 0) + 1);
      carried.sessions.set(id, years);
    }
  }
}
