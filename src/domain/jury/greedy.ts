import {
  isAvailable,
  isQualifiedFor,
  isTiedTo,
  meetsJuryDeadline,
  memberSessionCostCents,
  minMembersOf,
  professionalCount,
  remainingCap,
  requiredProfessionals,
  respectsLeadTime,
  sessionCostCents,
  sessionYear,
  slotsOverlap,
  type TimeSpan,
} from './eligibility.js';
import type {
  Plan,
  PlanningInstance,
  PoolMember,
  ProposedSession,
  SessionModality,
  Slot,
  Venue,
  WaitingCandidate,
} from './types.js';

/**
 * The first-fit baseline the benchmark compares the solver with. Candidates are taken by jury
 * deadline; each joins the first open session that can take it, or opens one at the earliest
 * slot where a jury can be formed from the cheapest members. No look-ahead, no repair: what it
 * cannot place goes to `unplaced`. Deterministic (ties broken by id).
 */

interface Open {
  session: ProposedSession;
  members: PoolMember[];
}

interface Seat {
  modality: SessionModality;
  venue: Venue | null;
}

export function greedyPlan(instance: PlanningInstance): Plan {
  const rules = instance.rules;
  const min = minMembersOf(rules);
  const byTime = (a: TimeSpan & { id: string }, b: TimeSpan & { id: string }) =>
    Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.id.localeCompare(b.id);
  const slots = instance.slots.filter((s) => respectsLeadTime(instance, s)).sort(byTime);
  const candidates = [...instance.candidates].sort(
    (a, b) =>
      Date.parse(a.juryDeadlineAt) - Date.parse(b.juryDeadlineAt) ||
      a.candidacyId.localeCompare(b.candidacyId),
  );

  const open: Open[] = [];
  const unplaced: string[] = [];
  const used = new Map<string, number>(); // member id + Paris year → sessions in this plan
  const busy = new Map<string, TimeSpan[]>(); // member id → their sessions in this plan
  const usedKey = (m: PoolMember, year: string) => `${m.id}\u0000${year}`;

  const canJoin = (o: Open, c: WaitingCandidate) =>
    o.session.rncpCode === c.rncpCode &&
    o.session.candidacyIds.length < rules.capacity &&
    meetsJuryDeadline(c, o.session) &&
    (o.session.modality === 'on_site' || c.acceptsRemote) &&
    o.members.every((m) => !isTiedTo(m, c)) &&
    o.members.some((m) => isQualifiedFor(m, c));

  const seatFor = (c: WaitingCandidate): Seat | null => {
    const venue = instance.venues[0];
    if (venue) return { modality: 'on_site', venue };
    if (instance.allowRemote && c.acceptsRemote) return { modality: 'remote', venue: null };
    return null;
  };

  /** The cheapest jury of `min` members for the candidate on the slot, or null. */
  const chooseMembers = (c: WaitingCandidate, slot: Slot, seat: Seat): PoolMember[] | null => {
    const year = sessionYear(slot);
    const pool = instance.members
      .filter(
        (m) =>
          (seat.modality === 'on_site' || m.remote) &&
          isAvailable(m, slot) &&
          !isTiedTo(m, c) &&
          remainingCap(m, year, used.get(usedKey(m, year)) ?? 0) > 0 &&
          !(busy.get(m.id) ?? []).some((b) => slotsOverlap(b, slot)),
      )
      .map((m) => ({ m, cost: memberSessionCostCents(m, seat.modality, seat.venue) }))
      .sort((a, b) => a.cost - b.cost || a.m.id.localeCompare(b.m.id))
      .map((x) => x.m);
    const pros = requiredProfessionals(min, rules.minProfessionalShare);
    // When every seat must be a professional's, so must the qualified one's.
    const first = pool.find((m) => isQualifiedFor(m, c) && (pros < min || m.profile === 'professional'));
    if (!first) return null;
    const chosen = [first];
    for (const m of pool) {
      if (chosen.length >= min) break;
      if (m === first) continue;
      const prosLeft = pros - professionalCount(chosen);
      const seatsLeft = min - chosen.length;
      // Keep the remaining seats for professionals when they are all needed.
      if (m.profile !== 'professional' && prosLeft >= seatsLeft) continue;
      chosen.push(m);
    }
    return chosen.length === min && professionalCount(chosen) >= pros ? chosen : null;
  };

  const openSession = (c: WaitingCandidate): Open | null => {
    const seat = seatFor(c);
    if (!seat) return null;
    for (const slot of slots) {
      if (!meetsJuryDeadline(c, slot)) continue;
      const members = chooseMembers(c, slot, seat);
      if (!members) continue;
      const session: ProposedSession = {
        key: `s${open.length + 1}`,
        rncpCode: c.rncpCode,
        slotId: slot.id,
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        modality: seat.modality,
        venueId: seat.venue?.id ?? null,
        candidacyIds: [c.candidacyId],
        memberIds: members.map((m) => m.id),
        presidentId: members[0]!.id,
        costCents: sessionCostCents(members, seat.modality, seat.venue),
      };
      const year = sessionYear(slot);
      for (const m of members) {
        used.set(usedKey(m, year), (used.get(usedKey(m, year)) ?? 0) + 1);
        busy.set(m.id, [...(busy.get(m.id) ?? []), slot]);
      }
      return { session, members };
    }
    return null;
  };

  const feasibleRules = rules.capacity >= 1 && rules.maxMembers >= min;
  for (const c of candidates) {
    if (!feasibleRules) {
      unplaced.push(c.candidacyId);
      continue;
    }
    const joined = open.find((o) => canJoin(o, c));
    if (joined) {
      joined.session.candidacyIds.push(c.candidacyId);
      continue;
    }
    const opened = openSession(c);
    if (opened) open.push(opened);
    else unplaced.push(c.candidacyId);
  }

  const sessions = open.map((o) => o.session);
  return { sessions, unplaced, totalCostCents: sessions.reduce((sum, s) => sum + s.costCents, 0) };
}
