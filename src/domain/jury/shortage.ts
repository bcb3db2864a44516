import { formatDayFr } from '../paris-time.js';
import {
  isAvailable,
  isQualifiedFor,
  isTiedTo,
  meetsJuryDeadline,
  minMembersOf,
  professionalCount,
  remainingCap,
  requiredProfessionals,
  respectsLeadTime,
  sessionYear,
  slotsOverlap,
  type TimeSpan,
} from './eligibility.js';
import type { Plan, PlanningInstance, PoolMember, SessionModality, Slot, WaitingCandidate } from './types.js';

/**
 * When candidates cannot be placed, say why, how many members are missing and by when
 * (DOMAIN.md: « which certification, how many members, by when »). Read against the plan: the
 * members' sessions in it count for their availability and yearly caps.
 */

export type ShortageReason =
  | 'no_qualified_member'
  | 'qualified_members_tied'
  | 'no_member_available_before_deadline'
  | 'yearly_caps_reached'
  | 'not_enough_professionals'
  | 'no_slot_before_deadline';

export interface Shortage {
  rncpCode: string;
  /** The unplaced candidacies of this certification, by jury deadline. */
  candidacyIds: string[];
  /** The earliest jury deadline among them (ISO instant). */
  neededBy: string;
  reasons: ShortageReason[];
  /** An estimate: members to add (qualified, available, untied, enough professionals), at least 1. */
  missingMembers: number;
  /** French sentences: what would widen the pool. */
  suggestions: string[];
  /** One French sentence for the jury organiser. */
  message: string;
}

const REASON_ORDER: ShortageReason[] = [
  'no_qualified_member',
  'qualified_members_tied',
  'no_slot_before_deadline',
  'no_member_available_before_deadline',
  'yearly_caps_reached',
  'not_enough_professionals',
];

const REASON_FR: Record<ShortageReason, string> = {
  no_qualified_member: 'aucun membre qualifié',
  qualified_members_tied: 'tous les membres qualifiés ont un lien avec les candidats',
  no_slot_before_deadline: 'aucun créneau possible avant l’échéance',
  no_member_available_before_deadline: 'pas assez de membres disponibles avant l’échéance',
  yearly_caps_reached: 'plafonds annuels de sessions atteints',
  not_enough_professionals: 'pas assez de professionnels',
};

interface Diagnosis {
  reasons: Set<ShortageReason>;
  missing: number;
  /** Qualified, untied members available only on slots after the deadline. */
  availableOnlyLater: boolean;
  /** Qualified, untied, active members who have reached their cap on the slots before the deadline. */
  capped: Set<string>;
}

/** What the plan already asks of each member. */
interface Load {
  used: Map<string, number>;
  busy: Map<string, TimeSpan[]>;
}

function loadOf(plan: Plan): Load {
  const used = new Map<string, number>();
  const busy = new Map<string, TimeSpan[]>();
  for (const s of plan.sessions) {
    const year = sessionYear(s);
    for (const id of new Set(s.memberIds)) {
      used.set(`${id}\u0000${year}`, (used.get(`${id}\u0000${year}`) ?? 0) + 1);
      busy.set(id, [...(busy.get(id) ?? []), s]);
    }
  }
  return { used, busy };
}

/** The modality a new session for the candidate would have (as the greedy baseline does), or null. */
function modalityFor(instance: PlanningInstance, c: WaitingCandidate): SessionModality | null {
  if (instance.venues.length > 0) return 'on_site';
  return instance.allowRemote && c.acceptsRemote ? 'remote' : null;
}

function diagnose(instance: PlanningInstance, load: Load, c: WaitingCandidate): Diagnosis {
  const min = minMembersOf(instance.rules);
  const pros = requiredProfessionals(min, instance.rules.minProfessionalShare);
  const reasons = new Set<ShortageReason>();
  const capped = new Set<string>();
  const modality = modalityFor(instance, c);
  const free = (m: PoolMember, s: TimeSpan) =>
    (modality !== 'remote' || m.remote) &&
    isAvailable(m, s) &&
    !(load.busy.get(m.id) ?? []).some((b) => slotsOverlap(b, s));
  const capLeft = (m: PoolMember, s: TimeSpan) => {
    const year = sessionYear(s);
    return remainingCap(m, year, load.used.get(`${m.id}\u0000${year}`) ?? 0) > 0;
  };
  /** Members short for a jury, given who could sit: a qualified one, the seats, the professionals. */
  const deficit = (pool: PoolMember[]) =>
    Math.max(
      1,
      pool.some((m) => isQualifiedFor(m, c)) ? 0 : 1,
      min - pool.length,
      pros - professionalCount(pool),
    );

  const active = instance.members.filter((m) => m.active);
  const qualified = active.filter((m) => isQualifiedFor(m, c));
  const untied = qualified.filter((m) => !isTiedTo(m, c));
  if (qualified.length === 0) reasons.add('no_qualified_member');
  else if (untied.length === 0) reasons.add('qualified_members_tied');

  const opening = instance.slots.filter((s) => respectsLeadTime(instance, s));
  // No venue and no remote session for this candidate: no slot can host their session.
  const before: Slot[] = modality === null ? [] : opening.filter((s) => meetsJuryDeadline(c, s));
  const later = opening.filter((s) => !meetsJuryDeadline(c, s));
  if (before.length === 0) reasons.add('no_slot_before_deadline');

  const availableBefore = untied.some((m) => before.some((s) => free(m, s)));
  const availableOnlyLater = !availableBefore && untied.some((m) => later.some((s) => free(m, s)));

  if (untied.length > 0 && before.length > 0) {
    const pairs = untied.flatMap((m) => before.filter((s) => free(m, s)).map((s) => ({ m, s })));
    if (pairs.length === 0) reasons.add('no_member_available_before_deadline');
    else if (pairs.every((p) => !capLeft(p.m, p.s))) {
      reasons.add('yearly_caps_reached');
      for (const p of pairs) capped.add(p.m.id);
    } else {
      // A qualified member could sit: are the other seats and the professionals there too?
      // When every seat must be a professional's, the qualified member must be one too.
      const lead = (m: PoolMember) => isQualifiedFor(m, c) && (pros < min || m.profile === 'professional');
      const pools = before
        .map((s) => active.filter((m) => !isTiedTo(m, c) && free(m, s) && capLeft(m, s)))
        .filter((pool) => pool.some(lead));
      const short = pools.map((pool) => ({ seats: pool.length < min, pros: professionalCount(pool) < pros }));
      // No date on which a jury can be formed: say what is short on one date or another.
      if (short.every((x) => x.seats || x.pros)) {
        if (short.some((x) => x.seats)) reasons.add('no_member_available_before_deadline');
        if (short.some((x) => x.pros)) reasons.add('not_enough_professionals');
        if (pools.length === 0) reasons.add('not_enough_professionals');
      }
    }
  }

  let missing: number;
  if (before.length > 0) {
    missing = Math.min(
      ...before.map((s) => deficit(active.filter((m) => !isTiedTo(m, c) && free(m, s) && capLeft(m, s)))),
    );
  } else {
    // No slot to sit on: count on the pool as if slots were added.
    missing = deficit(active.filter((m) => !isTiedTo(m, c) && (modality !== 'remote' || m.remote)));
  }
  return { reasons, missing, availableOnlyLater, capped };
}

export function shortageReport(instance: PlanningInstance, plan: Plan): Shortage[] {
  const known = new Map(instance.candidates.map((c) => [c.candidacyId, c]));
  const groups = new Map<string, WaitingCandidate[]>();
  for (const id of new Set(plan.unplaced)) {
    const c = known.get(id);
    if (!c) continue; // the checker reports it
    groups.set(c.rncpCode, [...(groups.get(c.rncpCode) ?? []), c]);
  }
  const load = loadOf(plan);
  const out: Shortage[] = [];
  for (const [rncpCode, group] of groups) {
    group.sort(
      (a, b) =>
        Date.parse(a.juryDeadlineAt) - Date.parse(b.juryDeadlineAt) ||
        a.candidacyId.localeCompare(b.candidacyId),
    );
    out.push(shortageOf(instance, load, rncpCode, group));
  }
  return out.sort(
    (a, b) => Date.parse(a.neededBy) - Date.parse(b.neededBy) || a.rncpCode.localeCompare(b.rncpCode),
  );
}

function shortageOf(
  instance: PlanningInstance,
  load: Load,
  rncpCode: string,
  group: WaitingCandidate[],
): Shortage {
  const neededBy = group[0]!.juryDeadlineAt;
  const day = formatDayFr(neededBy);
  const diagnoses = group.map((c) => diagnose(instance, load, c));
  const reasons = REASON_ORDER.filter((r) => diagnoses.some((d) => d.reasons.has(r)));
  const missingMembers = Math.max(1, ...diagnoses.map((d) => d.missing));

  const suggestions: string[] = [];
  const remoteCapable = instance.members.filter(
    (m) => m.active && m.remote && group.some((c) => isQualifiedFor(m, c) && !isTiedTo(m, c)),
  );
  const refusing = group.filter((c) => !c.acceptsRemote).map((c) => c.candidacyId);
  if (remoteCapable.length > 0 && !instance.allowRemote) {
    suggestions.push(
      `Autoriser les sessions à distance : ${remoteCapable.length} membre(s) qualifié(s) pour la certification ${rncpCode} peuvent siéger à distance.`,
    );
  } else if (remoteCapable.length > 0 && refusing.length > 0) {
    suggestions.push(
      `Proposer une session à distance aux candidatures ${refusing.join(', ')} : ${remoteCapable.length} membre(s) qualifié(s) pour la certification ${rncpCode} peuvent siéger à distance.`,
    );
  }
  if (diagnoses.some((d) => d.availableOnlyLater)) {
    suggestions.push(
      `Proposer d’autres dates aux membres qualifiés : ils ne sont disponibles qu’après l’échéance du ${day}.`,
    );
  } else if (reasons.includes('no_slot_before_deadline')) {
    suggestions.push(`Ouvrir des créneaux de session avant le ${day}.`);
  }
  const capped = [...new Set(diagnoses.flatMap((d) => [...d.capped]))].sort();
  if (capped.length > 0) {
    suggestions.push(
      `Relever le plafond annuel de sessions des membres qualifiés qui l’ont atteint (${capped.join(', ')}).`,
    );
  }
  if (reasons.length === 0) {
    // The pool allows a jury on its own: the plan left them out (other candidates took the members).
    suggestions.push(
      `Relancer la planification : un jury peut être formé pour ces candidatures avec les membres du vivier.`,
    );
  }
  suggestions.push(
    `Recruter ${missingMembers} membre(s) qualifié(s) pour la certification ${rncpCode}, sans lien avec les candidats, dont au moins un quart de professionnels, disponibles avant le ${day}.`,
  );

  const why = reasons.length > 0 ? ` (${reasons.map((r) => REASON_FR[r]).join(' ; ')})` : '';
  const message = `Certification ${rncpCode} : ${group.length} candidature(s) sans session avant le ${day}${why} ; il manque environ ${missingMembers} membre(s) qualifié(s), disponible(s) et sans lien avec les candidats.`;
  return {
    rncpCode,
    candidacyIds: group.map((c) => c.candidacyId),
    neededBy,
    reasons,
    missingMembers,
    suggestions,
    message,
  };
}
