import { isQualifiedFor, sessionCostCents } from '../../../domain/jury/eligibility.js';
import type {
  Plan,
  PlanningInstance,
  PoolMember,
  ProposedSession,
  WaitingCandidate,
} from '../../../domain/jury/types.js';
import type { PlanModel } from './types.js';
import { v } from './variables.js';

/**
 * Reads a solution (value of a variable by name) into sessions; costs come from
 * memberSessionCostCents, never from the solver's objective.
 */
export function decodePlan(
  instance: PlanningInstance,
  model: Pick<PlanModel, 'options' | 'candidates'>,
  value: (name: string) => number,
): Plan {
  const { members, candidates } = instance;
  const sessions: ProposedSession[] = [];
  const placed = new Set<number>();
  model.options.forEach((o, s) => {
    const jury = o.juries.find((_, ji) => value(v.jury(s, ji)) > 0.5);
    if (!jury) return;
    const sitting = o.candidates.filter((c) => !placed.has(c) && value(v.sits(c, s)) > 0.5);
    if (!sitting.length) return;
    sitting.forEach((c) => placed.add(c));
    const juryMembers = jury.members.map((m) => members[m]!);
    sessions.push({
      key: '',
      rncpCode: o.rncpCode,
      slotId: o.slot.id,
      startsAt: o.slot.startsAt,
      endsAt: o.slot.endsAt,
      modality: o.modality,
      venueId: o.venue?.id ?? null,
      candidacyIds: sitting.map((c) => candidates[c]!.candidacyId),
      memberIds: juryMembers.map((m) => m.id),
      presidentId: president(
        juryMembers,
        sitting.map((c) => candidates[c]!),
      ),
      costCents: sessionCostCents(juryMembers, o.modality, o.venue),
    });
  });
  sessions.sort(
    (a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.rncpCode.localeCompare(b.rncpCode),
  );
  sessions.forEach((s, i) => (s.key = `s${i + 1}`));
  const unplaced = model.candidates.filter((c) => !placed.has(c)).map((c) => candidates[c]!.candidacyId);
  return { sessions, unplaced, totalCostCents: sessions.reduce((sum, s) => sum + s.costCents, 0) };
}

/** The member qualified for the most of the session's candidates; professionals first on a tie. */
function president(jury: PoolMember[], sitting: WaitingCandidate[]): string {
  const score = (m: PoolMember) =>
    sitting.filter((c) => isQualifiedFor(m, c)).length * 2 + (m.profile === 'professional' ? 1 : 0);
  return [...jury].sort((a, b) => score(b) - score(a))[0]!.id;
}
