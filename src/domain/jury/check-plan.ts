import { formatDayTimeFr } from '../paris-time.js';
import {
  genderBalanced,
  isAvailable,
  isQualifiedFor,
  isTiedTo,
  meetsJuryDeadline,
  minMembersOf,
  professionalCount,
  requiredProfessionals,
  respectsLeadTime,
  sessionCostCents,
  sessionYear,
  slotsOverlap,
} from './eligibility.js';
import type {
  Plan,
  PlanRule,
  PlanViolation,
  PlanningInstance,
  PoolMember,
  ProposedSession,
  Venue,
  WaitingCandidate,
} from './types.js';

/**
 * The independent checker: whatever produced a plan (solver, greedy baseline, a person), it is
 * checked here against every rule of DOMAIN.md, « Jury sessions, as a planning problem ».
 *
 * Choices made where the contract leaves room:
 * - a candidacy of the instance that is neither in a session nor in `unplaced` is reported as
 *   `unknown_reference` (the plan and the instance do not refer to the same candidacies);
 * - a session key used twice, and session times that are not those of its slot, are
 *   `unknown_reference` too; a member listed twice in one session is `member_double_booked`;
 * - a session without candidates breaks `capacity` (1 to `capacity` candidates);
 * - an on-site session with an unknown venue id gets both `unknown_reference` and `venue`;
 * - fewer than 2 members is `min_members` even if the rules say less (the law says 2);
 * - counts and costs are taken over the known, distinct members of a session.
 */

const SEVERITY: Record<PlanRule, PlanViolation['severity']> = {
  unknown_reference: 'hard',
  candidate_twice: 'hard',
  one_certification: 'hard',
  capacity: 'hard',
  lead_time: 'hard',
  jury_deadline: 'hard',
  min_members: 'hard',
  max_members: 'hard',
  president: 'hard',
  qualified_member: 'hard',
  professional_share: 'hard',
  gender_balance: 'soft',
  conflict_of_interest: 'hard',
  inactive_member: 'hard',
  member_unavailable: 'hard',
  member_double_booked: 'hard',
  yearly_cap: 'hard',
  remote_not_allowed: 'hard',
  venue: 'hard',
  cost_mismatch: 'hard',
};

/** Every rule the checker knows, in the order of the contract. */
export const PLAN_RULES = Object.keys(SEVERITY) as PlanRule[];

export function hardViolations(violations: PlanViolation[]): PlanViolation[] {
  return violations.filter((v) => v.severity === 'hard');
}

type Refs = Pick<PlanViolation, 'sessionKey' | 'candidacyId' | 'memberId'>;
type Report = (rule: PlanRule, message: string, refs?: Refs) => void;

interface Index {
  candidates: Map<string, WaitingCandidate>;
  members: Map<string, PoolMember>;
  venues: Map<string, Venue>;
}

/** A session with its references resolved (unknown ones left out). */
interface Resolved {
  session: ProposedSession;
  candidates: WaitingCandidate[];
  members: PoolMember[];
  venue: Venue | undefined;
}

export function checkPlan(instance: PlanningInstance, plan: Plan): PlanViolation[] {
  const violations: PlanViolation[] = [];
  const report: Report = (rule, message, refs = {}) =>
    violations.push({ rule, severity: SEVERITY[rule], ...refs, message });
  const index: Index = {
    candidates: new Map(instance.candidates.map((c) => [c.candidacyId, c])),
    members: new Map(instance.members.map((m) => [m.id, m])),
    venues: new Map(instance.venues.map((v) => [v.id, v])),
  };

  const placedIn = new Map<string, string>();
  const keys = new Set<string>();
  const resolved: Resolved[] = [];
  for (const session of plan.sessions) {
    if (keys.has(session.key)) {
      report('unknown_reference', `Session ${session.key} : cette clé désigne plusieurs sessions du plan.`, {
        sessionKey: session.key,
      });
    }
    keys.add(session.key);
    const r = resolveSession(instance, index, session, placedIn, report);
    resolved.push(r);
    checkSession(instance, r, report);
  }
  checkAcrossSessions(resolved, report);
  checkUnplaced(instance, index, plan, placedIn, report);

  const total = resolved.reduce((sum, r) => sum + costOf(r), 0);
  if (plan.totalCostCents !== total) {
    report(
      'cost_mismatch',
      `Le coût total du plan (${plan.totalCostCents} centimes) ne correspond pas à la somme des indemnités et frais de déplacement des membres (${total} centimes).`,
    );
  }
  return violations;
}

/** An instant for people, in Paris (« 3 février 2027 à 09:00 »); as given when unreadable. */
function when(iso: string): string {
  return Number.isNaN(Date.parse(iso)) ? iso : formatDayTimeFr(iso);
}

function costOf(r: Resolved): number {
  return sessionCostCents(r.members, r.session.modality, r.venue);
}

/** Unknown slot, venue, candidacy and member ids; candidacies placed twice; members listed twice. */
function resolveSession(
  instance: PlanningInstance,
  index: Index,
  session: ProposedSession,
  placedIn: Map<string, string>,
  report: Report,
): Resolved {
  const key = session.key;
  const slot = instance.slots.find((s) => s.id === session.slotId);
  if (!slot) {
    report('unknown_reference', `Session ${key} : le créneau ${session.slotId} n’existe pas.`, {
      sessionKey: key,
    });
  } else if (
    Date.parse(slot.startsAt) !== Date.parse(session.startsAt) ||
    Date.parse(slot.endsAt) !== Date.parse(session.endsAt)
  ) {
    report('unknown_reference', `Session ${key} : ses horaires ne sont pas ceux du créneau ${slot.id}.`, {
      sessionKey: key,
    });
  }

  const venue = session.venueId === null ? undefined : index.venues.get(session.venueId);
  if (session.venueId !== null && !venue) {
    report('unknown_reference', `Session ${key} : le lieu ${session.venueId} n’existe pas.`, {
      sessionKey: key,
    });
  }

  const candidates: WaitingCandidate[] = [];
  for (const id of session.candidacyIds) {
    const candidate = index.candidates.get(id);
    if (!candidate) {
      report('unknown_reference', `Session ${key} : la candidature ${id} n’est pas en attente de jury.`, {
        sessionKey: key,
        candidacyId: id,
      });
      continue;
    }
    const other = placedIn.get(id);
    if (other !== undefined) {
      const where = other === key ? 'cette même session' : `la session ${other}`;
      report('candidate_twice', `Session ${key} : la candidature ${id} figure déjà dans ${where}.`, {
        sessionKey: key,
        candidacyId: id,
      });
      continue;
    }
    placedIn.set(id, key);
    candidates.push(candidate);
  }

  const members: PoolMember[] = [];
  for (const id of session.memberIds) {
    const member = index.members.get(id);
    if (!member) {
      report('unknown_reference', `Session ${key} : le membre ${id} ne fait pas partie du vivier.`, {
        sessionKey: key,
        memberId: id,
      });
    } else if (members.includes(member)) {
      report('member_double_booked', `Session ${key} : le membre ${id} y figure deux fois.`, {
        sessionKey: key,
        memberId: id,
      });
    } else {
      members.push(member);
    }
  }
  return { session, candidates, members, venue };
}

/** The rules of one session on its own. */
function checkSession(instance: PlanningInstance, r: Resolved, report: Report): void {
  const { session, candidates, members, venue } = r;
  const key = session.key;
  const label = `Session ${key}`;
  const rules = instance.rules;
  const at = { sessionKey: key };

  if (session.candidacyIds.length === 0) {
    report('capacity', `${label} : aucune candidature n’y est convoquée.`, at);
  } else if (session.candidacyIds.length > rules.capacity) {
    report(
      'capacity',
      `${label} : ${session.candidacyIds.length} candidatures pour une capacité de ${rules.capacity} par session.`,
      at,
    );
  }
  if (!respectsLeadTime(instance, session)) {
    report(
      'lead_time',
      `${label} : elle commence le ${when(session.startsAt)}, avant la fin du délai de convocation (${when(instance.earliestSessionAt)}).`,
      at,
    );
  }
  for (const c of candidates) {
    const ref = { sessionKey: key, candidacyId: c.candidacyId };
    if (c.rncpCode !== session.rncpCode) {
      report(
        'one_certification',
        `${label} : la candidature ${c.candidacyId} porte sur la certification ${c.rncpCode}, la session sur ${session.rncpCode}.`,
        ref,
      );
    }
    if (!meetsJuryDeadline(c, session)) {
      report(
        'jury_deadline',
        `${label} : elle finit après l’échéance de jury de la candidature ${c.candidacyId} (${when(c.juryDeadlineAt)}).`,
        ref,
      );
    }
  }

  checkComposition(instance, r, report);

  if (session.modality === 'remote') {
    if (!instance.allowRemote) {
      report('remote_not_allowed', `${label} : les sessions à distance ne sont pas autorisées.`, at);
    }
    for (const m of members.filter((x) => !x.remote)) {
      report('remote_not_allowed', `${label} : le membre ${m.id} ne siège pas à distance.`, {
        sessionKey: key,
        memberId: m.id,
      });
    }
    for (const c of candidates.filter((x) => !x.acceptsRemote)) {
      report(
        'remote_not_allowed',
        `${label} : la candidature ${c.candidacyId} n’accepte pas de session à distance.`,
        {
          sessionKey: key,
          candidacyId: c.candidacyId,
        },
      );
    }
    if (session.venueId !== null) {
      report('venue', `${label} : une session à distance n’a pas de lieu (${session.venueId} indiqué).`, at);
    }
  } else if (!venue) {
    report('venue', `${label} : une session sur place demande un lieu connu.`, at);
  }

  const cost = costOf(r);
  if (session.costCents !== cost) {
    report(
      'cost_mismatch',
      `${label} : coût annoncé ${session.costCents} centimes, indemnités et frais de déplacement des membres ${cost} centimes.`,
      at,
    );
  }
}

/** Who sits: number, president, qualification, professionals, balance, ties, activity, availability. */
function checkComposition(instance: PlanningInstance, r: Resolved, report: Report): void {
  const { session, candidates, members } = r;
  const key = session.key;
  const label = `Session ${key}`;
  const rules = instance.rules;
  const at = { sessionKey: key };

  const min = minMembersOf(rules);
  if (members.length < min) {
    report('min_members', `${label} : ${members.length} membre(s) pour un minimum de ${min}.`, at);
  }
  if (members.length > rules.maxMembers) {
    report('max_members', `${label} : ${members.length} membres pour un maximum de ${rules.maxMembers}.`, at);
  }
  if (!session.memberIds.includes(session.presidentId)) {
    report('president', `${label} : le président ${session.presidentId} n’est pas membre du jury.`, {
      sessionKey: key,
      memberId: session.presidentId,
    });
  }
  for (const c of candidates) {
    if (!members.some((m) => isQualifiedFor(m, c))) {
      report(
        'qualified_member',
        `${label} : aucun membre qualifié pour la certification ${c.rncpCode} (candidature ${c.candidacyId}, blocs ${c.blockCodes.join(', ')}).`,
        { sessionKey: key, candidacyId: c.candidacyId },
      );
    }
  }
  const pros = professionalCount(members);
  const needed = requiredProfessionals(members.length, rules.minProfessionalShare);
  if (members.length > 0 && pros < needed) {
    report(
      'professional_share',
      `${label} : ${pros} professionnel(s) sur ${members.length} membres, il en faut au moins ${needed}.`,
      at,
    );
  }
  if (members.length > 0 && !genderBalanced(members)) {
    const women = members.filter((m) => m.gender === 'F').length;
    report(
      'gender_balance',
      `${label} : jury non paritaire (${women} femme(s), ${members.length - women} homme(s)).`,
      at,
    );
  }
  for (const m of members) {
    for (const c of candidates.filter((x) => isTiedTo(m, x))) {
      report(
        'conflict_of_interest',
        `${label} : le membre ${m.id} a un lien avec la candidature ${c.candidacyId} (employeur, structure d’accompagnement ou accompagnateur).`,
        { sessionKey: key, memberId: m.id, candidacyId: c.candidacyId },
      );
    }
    const ref = { sessionKey: key, memberId: m.id };
    if (!m.active) {
      report('inactive_member', `${label} : le membre ${m.id} n’est plus actif dans le vivier.`, ref);
    } else if (!isAvailable(m, session)) {
      report('member_unavailable', `${label} : le membre ${m.id} n’est pas disponible sur ce créneau.`, ref);
    }
  }
}

/** Members in two overlapping sessions; yearly caps (Paris calendar year). */
function checkAcrossSessions(resolved: Resolved[], report: Report): void {
  for (let j = 0; j < resolved.length; j++) {
    const b = resolved[j]!;
    for (let i = 0; i < j; i++) {
      const a = resolved[i]!;
      if (!slotsOverlap(a.session, b.session)) continue;
      for (const m of b.members.filter((x) => a.members.includes(x))) {
        report(
          'member_double_booked',
          `Session ${b.session.key} : le membre ${m.id} siège aussi dans la session ${a.session.key} au même moment.`,
          { sessionKey: b.session.key, memberId: m.id },
        );
      }
    }
  }

  const byMemberYear = new Map<string, { member: PoolMember; year: string; sessions: ProposedSession[] }>();
  for (const r of resolved) {
    const year = sessionYear(r.session);
    for (const member of r.members) {
      const k = `${member.id}\u0000${year}`;
      const entry = byMemberYear.get(k) ?? { member, year, sessions: [] };
      entry.sessions.push(r.session);
      byMemberYear.set(k, entry);
    }
  }
  for (const { member, year, sessions } of byMemberYear.values()) {
    const booked = member.booked[year] ?? 0;
    if (booked + sessions.length <= member.yearlyCap) continue;
    // Report it on the first session past the cap, in time order.
    const sorted = [...sessions].sort((x, y) => Date.parse(x.startsAt) - Date.parse(y.startsAt));
    const over = sorted[Math.max(0, member.yearlyCap - booked)]!;
    report(
      'yearly_cap',
      `Session ${over.key} : le membre ${member.id} aurait ${booked + sessions.length} sessions en ${year} (dont ${booked} déjà réservées) pour un plafond de ${member.yearlyCap}.`,
      { sessionKey: over.key, memberId: member.id },
    );
  }
}

/** `unplaced`: known, once, not also placed; and every waiting candidacy accounted for. */
function checkUnplaced(
  instance: PlanningInstance,
  index: Index,
  plan: Plan,
  placedIn: Map<string, string>,
  report: Report,
): void {
  const unplaced = new Set<string>();
  for (const id of plan.unplaced) {
    if (!index.candidates.has(id)) {
      report('unknown_reference', `La candidature non placée ${id} n’est pas en attente de jury.`, {
        candidacyId: id,
      });
    } else if (unplaced.has(id)) {
      report('candidate_twice', `La candidature ${id} figure deux fois parmi les candidatures non placées.`, {
        candidacyId: id,
      });
    } else if (placedIn.has(id)) {
      report(
        'candidate_twice',
        `La candidature ${id} est à la fois dans la session ${placedIn.get(id)} et parmi les candidatures non placées.`,
        { sessionKey: placedIn.get(id), candidacyId: id },
      );
    }
    unplaced.add(id);
  }
  for (const c of instance.candidates) {
    if (!placedIn.has(c.candidacyId) && !unplaced.has(c.candidacyId)) {
      report(
        'unknown_reference',
        `La candidature ${c.candidacyId} n’est ni dans une session ni parmi les candidatures non placées.`,
        { candidacyId: c.candidacyId },
      );
    }
  }
}
