import { hardViolations, checkPlan } from './check-plan.js';
import { isAvailable, isQualifiedFor, isTiedTo, memberSessionCostCents } from './eligibility.js';
import type {
  Plan,
  PlanViolation,
  PlanningInstance,
  PoolMember,
  ProposedSession,
  WaitingCandidate,
} from './types.js';

/**
 * A member leaves a planned session (withdrawal, illness): who could take the seat, the other
 * members and the candidates staying as they are. Each option is checked by the independent
 * checker on the modified plan: it is kept when it brings no hard violation the plan did not
 * already have (violations are compared by rule, session, candidacy and member, not by message).
 */

export interface ReplacementOption {
  memberId: string;
  /** Cost of the newcomer minus cost of the leaving member, for this session (fees, travel). */
  costDeltaCents: number;
}

/**
 * Who presides once the president has left: among the remaining members (in the session's order),
 * the one qualified for the most candidates of the session, the first on a tie; the newcomer only
 * when no remaining member is qualified for any of them; else the first remaining member.
 */
export function nextPresidentId(
  remaining: PoolMember[],
  newcomer: PoolMember,
  candidates: WaitingCandidate[],
): string {
  const score = (m: PoolMember) => candidates.filter((c) => isQualifiedFor(m, c)).length;
  let best: PoolMember | undefined;
  for (const m of remaining) if (score(m) > 0 && (!best || score(m) > score(best))) best = m;
  if (best) return best.id;
  if (score(newcomer) > 0 || remaining.length === 0) return newcomer.id;
  return remaining[0]!.id;
}

const signature = (v: PlanViolation) =>
  [v.rule, v.sessionKey ?? '', v.candidacyId ?? '', v.memberId ?? ''].join('\u0000');

/**
 * Throws when the session is not in the plan or the leaving member not in the session: the caller
 * holds a stale plan, and « nobody » would be a wrong answer.
 */
export function replacementOptions(
  instance: PlanningInstance,
  plan: Plan,
  sessionKey: string,
  leavingMemberId: string,
  excludedMemberIds: string[],
): ReplacementOption[] {
  const session = plan.sessions.find((s) => s.key === sessionKey);
  if (!session) throw new RangeError(`Session ${sessionKey} absente du plan.`);
  if (!session.memberIds.includes(leavingMemberId)) {
    throw new RangeError(`Le membre ${leavingMemberId} ne siège pas dans la session ${sessionKey}.`);
  }
  const members = new Map(instance.members.map((m) => [m.id, m]));
  const venue = instance.venues.find((v) => v.id === session.venueId) ?? null;
  const cost = (m: PoolMember | undefined) => (m ? memberSessionCostCents(m, session.modality, venue) : 0);
  const leaving = members.get(leavingMemberId);
  const candidates = session.candidacyIds
    .map((id) => instance.candidates.find((c) => c.candidacyId === id))
    .filter((c): c is WaitingCandidate => c !== undefined);
  const remaining = session.memberIds
    .filter((id) => id !== leavingMemberId)
    .map((id) => members.get(id))
    .filter((m): m is PoolMember => m !== undefined);
  const excluded = new Set([...excludedMemberIds, ...session.memberIds]);
  const before = new Set(hardViolations(checkPlan(instance, plan)).map(signature));

  const options: ReplacementOption[] = [];
  for (const m of instance.members) {
    // Quick refusals first; the checker below has the last word.
    if (excluded.has(m.id) || !isAvailable(m, session)) continue;
    if ((session.modality === 'remote' && !m.remote) || candidates.some((c) => isTiedTo(m, c))) continue;
    const delta = cost(m) - cost(leaving);
    const modified: ProposedSession = {
      ...session,
      memberIds: session.memberIds.map((id) => (id === leavingMemberId ? m.id : id)),
      presidentId:
        session.presidentId === leavingMemberId
          ? nextPresidentId(remaining, m, candidates)
          : session.presidentId,
      costCents: session.costCents + delta,
    };
    const modifiedPlan: Plan = {
      ...plan,
      sessions: plan.sessions.map((s) => (s === session ? modified : s)),
      totalCostCents: plan.totalCostCents + delta,
    };
    const added = hardViolations(checkPlan(instance, modifiedPlan)).some((v) => !before.has(signature(v)));
    if (!added) options.push({ memberId: m.id, costDeltaCents: delta });
  }
  return options.sort((a, b) => a.costDeltaCents - b.costDeltaCents || a.memberId.localeCompare(b.memberId));
}
