import { parisDay, parisWeekday, parisYear, toParis } from '../paris-time.js';
import type {
  PlanningInstance,
  PlanningRules,
  PoolMember,
  SessionModality,
  Slot,
  Venue,
  WaitingCandidate,
  WeeklyWindow,
} from './types.js';

/**
 * The rules of jury composition, one function each (DOMAIN.md, « Jury »). The checker, the
 * greedy baseline, the shortage report and the replacement search all go through these.
 */

/** A time span: a slot, or a session (which carries its slot's times). */
export type TimeSpan = Pick<Slot, 'startsAt' | 'endsAt'>;

/** The member may assess the candidate: a qualification for the certification covering every targeted block. */
export function isQualifiedFor(member: PoolMember, candidate: WaitingCandidate): boolean {
  return member.qualifications.some(
    (q) =>
      q.rncpCode === candidate.rncpCode &&
      (q.blockCodes === 'all' || candidate.blockCodes.every((b) => (q.blockCodes as string[]).includes(b))),
  );
}

/** Whether the member assesses the certification at all (some blocks at least). */
export function assessesCertification(member: PoolMember, rncpCode: string): boolean {
  return member.qualifications.some((q) => q.rncpCode === rncpCode);
}

/** « Boulangerie  Éclair » and « boulangerie eclair » are the same employer. */
export function normaliseEmployer(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/g, ' ');
}

/** A personal or professional tie: the candidate's employer, coaching operator or coach. */
export function isTiedTo(member: PoolMember, candidate: WaitingCandidate): boolean {
  if (candidate.employer !== null) {
    const employer = normaliseEmployer(candidate.employer);
    // An empty name is no employer: it must not match an empty tie.
    if (employer !== '' && member.ties.employers.some((e) => normaliseEmployer(e) === employer)) return true;
  }
  if (candidate.coachOperatorId !== null && member.ties.operatorIds.includes(candidate.coachOperatorId)) {
    return true;
  }
  return candidate.coachUserId !== null && member.ties.userIds.includes(candidate.coachUserId);
}

/** "HH:MM" → minutes after midnight; NaN when malformed. */
function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) return Number.NaN;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** A span read on the Paris clock: its day(s), ISO weekday, and minutes after midnight. */
interface ParisSpan {
  valid: boolean;
  day: string;
  endDay: string;
  weekday: WeeklyWindow['weekday'];
  from: number;
  to: number;
}

// Intl is slow and the same slots are read again and again by the planners: remember the readings
// (a pure function of its key), within a bound.
const spans = new Map<string, ParisSpan>();
const years = new Map<string, string>();
const CACHE_LIMIT = 20_000;

function remember<V>(cache: Map<string, V>, key: string, compute: () => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    v = compute();
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, v);
  }
  return v;
}

/** Minutes after Paris midnight of an instant (seconds count as a fraction). */
function parisMinutes(instant: Date): number {
  const w = toParis(instant);
  return w.hour * 60 + w.minute + w.second / 60;
}

function parisSpan(span: TimeSpan): ParisSpan {
  return remember(spans, `${span.startsAt}|${span.endsAt}`, () => {
    const start = new Date(span.startsAt);
    const end = new Date(span.endsAt);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
      return { valid: false, day: '', endDay: '', weekday: 1, from: 0, to: 0 };
    }
    return {
      valid: start.getTime() < end.getTime(),
      day: parisDay(start),
      endDay: parisDay(end),
      weekday: parisIsoWeekday(start),
      from: parisMinutes(start),
      to: parisMinutes(end),
    };
  });
}

/** ISO weekday in Paris: 1 = Monday … 7 = Sunday (paris-time counts 0 = Sunday). */
export function parisIsoWeekday(instant: Date | string): WeeklyWindow['weekday'] {
  const d = parisWeekday(new Date(instant));
  return (d === 0 ? 7 : d) as WeeklyWindow['weekday'];
}

/**
 * The member is active and the span lies within one of their weekly windows, read on the Paris
 * wall clock (so a 09:00 window is 08:00 UTC in winter and 07:00 UTC in summer), on a single
 * Paris day that is not one of their unavailable dates.
 */
export function isAvailable(member: PoolMember, slot: TimeSpan): boolean {
  if (!member.active) return false;
  const p = parisSpan(slot);
  if (!p.valid || p.endDay !== p.day) return false;
  if (member.availability.unavailableDates.includes(p.day)) return false;
  return member.availability.weekly.some(
    (w) => w.weekday === p.weekday && minutesOf(w.from) <= p.from && p.to <= minutesOf(w.to),
  );
}

/** The Paris calendar year a session counts in for yearly caps ("2027"). */
export function sessionYear(slot: Pick<Slot, 'startsAt'>): string {
  // An unreadable instant counts in no year (the checker reports its other faults).
  return remember(years, slot.startsAt, () =>
    Number.isNaN(Date.parse(slot.startsAt)) ? '' : String(parisYear(slot.startsAt)),
  );
}

/** Sessions the member may still take in a year, given those already in the plan (never negative). */
export function remainingCap(member: PoolMember, year: string, alreadyInPlan: number): number {
  return Math.max(0, member.yearlyCap - (member.booked[year] ?? 0) - alreadyInPlan);
}

/**
 * What one member costs a session: the fee, plus travel for an on-site session outside their home
 * département. Remote members travel nothing. An on-site session without a known venue counts the
 * travel (nothing shows it is in the member's département; the checker reports the venue).
 */
export function memberSessionCostCents(
  member: PoolMember,
  modality: SessionModality,
  venue: Venue | null | undefined,
): number {
  if (modality === 'remote') return member.feeCents;
  const travels = !venue || member.homeDepartement !== venue.departement;
  return member.feeCents + (travels ? member.travelCents : 0);
}

/** Fees and travel of a session's members. */
export function sessionCostCents(
  members: PoolMember[],
  modality: SessionModality,
  venue: Venue | null | undefined,
): number {
  return members.reduce((sum, m) => sum + memberSessionCostCents(m, modality, venue), 0);
}

/** Two spans overlap when each starts before the other ends (back-to-back sessions do not). */
export function slotsOverlap(a: TimeSpan, b: TimeSpan): boolean {
  return Date.parse(a.startsAt) < Date.parse(b.endsAt) && Date.parse(b.startsAt) < Date.parse(a.endsAt);
}

/** Soft rule: as many women as men, give or take one. */
export function genderBalanced(members: Pick<PoolMember, 'gender'>[]): boolean {
  const women = members.filter((m) => m.gender === 'F').length;
  return Math.abs(women - (members.length - women)) <= 1;
}

/** The law asks for 2 members at least, whatever the rules say. */
export function minMembersOf(rules: PlanningRules): number {
  return Math.max(2, rules.minMembers);
}

/** Professionals a jury of `memberCount` needs: ceil(share × count), with a guard against 0.3 × 10 = 3.0000000000000004. */
export function requiredProfessionals(memberCount: number, share: number): number {
  return Math.max(0, Math.ceil(memberCount * share - 1e-9));
}

export function professionalCount(members: Pick<PoolMember, 'profile'>[]): number {
  return members.filter((m) => m.profile === 'professional').length;
}

/** No session before the convocation lead time. */
export function respectsLeadTime(
  instance: Pick<PlanningInstance, 'earliestSessionAt'>,
  slot: TimeSpan,
): boolean {
  return Date.parse(slot.startsAt) >= Date.parse(instance.earliestSessionAt);
}

/** The candidate is examined before the end of the 3rd month after the validation file. */
export function meetsJuryDeadline(candidate: WaitingCandidate, slot: TimeSpan): boolean {
  return Date.parse(slot.endsAt) <= Date.parse(candidate.juryDeadlineAt);
}
