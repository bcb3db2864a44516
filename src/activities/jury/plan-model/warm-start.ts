/** The warm-start plan: its sessions as options of the model, and its values as a MIP start. */
import { memberSessionCostCents, minMembersOf } from '../../../domain/jury/eligibility.js';
import type { Plan, PlanningInstance, ProposedSession } from '../../../domain/jury/types.js';
import { type Context, mayUse } from './context.js';
import { type Draft, optionKey } from './drafts.js';
import { sameMembers } from './juries.js';
import type { SessionOption } from './types.js';
import { v } from './variables.js';

export type StartSession = { draft: Draft; session: ProposedSession };

/**
 * The warm-start plan's sessions: each its own option (two sessions may share a slot and venue).
 * Adds to `drafts` those without a draft of their own.
 */
export function addStartSessions(
  ctx: Context,
  start: Plan | undefined,
  inScope: (code: string) => boolean,
  candidateIdx: number[],
  drafts: Draft[],
  draftByKey: Map<string, Draft>,
): StartSession[] {
  const { instance } = ctx;
  const { members, rules } = instance;
  const minMembers = minMembersOf(rules);
  const memberIndex = new Map(members.map((m, i) => [m.id, i]));
  const candIndex = new Map(instance.candidates.map((c, i) => [c.candidacyId, i]));
  const usedKeys = new Set<string>();
  const startSessions: StartSession[] = [];
  for (const session of start?.sessions ?? []) {
    if (!inScope(session.rncpCode)) continue;
    const slot = instance.slots.find((s) => s.id === session.slotId);
    if (!slot) continue;
    const venue =
      session.venueId === null ? null : (instance.venues.find((x) => x.id === session.venueId) ?? null);
    const key = optionKey(session.rncpCode, session.slotId, session.venueId);
    let draft = usedKeys.has(key) ? undefined : draftByKey.get(key);
    if (!draft) {
      draft = {
        rncpCode: session.rncpCode,
        slot,
        modality: session.modality,
        venue,
        usable: [],
        costs: new Map(),
        compatible: [],
        kept: new Set(),
        seatCost: 0,
      };
      drafts.push(draft);
    }
    usedKeys.add(key);
    // Only members this sub-problem may use (the start may clash with carried sessions).
    const jury = session.memberIds
      .map((id) => memberIndex.get(id))
      .filter(
        (m): m is number =>
          m !== undefined && mayUse(ctx, members[m]!, session.rncpCode, slot, session.modality),
      );
    for (const m of jury) {
      if (!draft.costs.has(m)) {
        draft.usable.push(m);
        draft.costs.set(m, memberSessionCostCents(members[m]!, session.modality, venue));
      }
    }
    // A start jury that lost a member, or of another size than the rules allow, is no start.
    if (
      jury.length === session.memberIds.length &&
      jury.length >= minMembers &&
      jury.length <= rules.maxMembers
    ) {
      draft.forcedJury = jury;
    }
    for (const id of session.candidacyIds) {
      const c = candIndex.get(id);
      if (c !== undefined && candidateIdx.includes(c)) draft.kept.add(c);
    }
    startSessions.push({ draft, session });
  }
  return startSessions;
}

export function startValues(
  instance: PlanningInstance,
  candidateIdx: number[],
  options: SessionOption[],
  startSessions: StartSession[],
  optionIndex: Map<Draft, number>,
): Map<string, number> {
  const values = new Map<string, number>();
  const placed = new Set<number>();
  const candIndex = new Map(instance.candidates.map((c, i) => [c.candidacyId, i]));
  for (const { draft, session } of startSessions) {
    const s = optionIndex.get(draft);
    if (s === undefined || !draft.forcedJury) continue;
    const ji = options[s]!.juries.findIndex((j) => sameMembers(j.members, draft.forcedJury!));
    if (ji < 0) continue;
    values.set(v.jury(s, ji), 1);
    for (const id of session.candidacyIds) {
      const c = candIndex.get(id);
      if (c === undefined || !options[s]!.candidates.includes(c)) continue;
      values.set(v.sits(c, s), 1);
      placed.add(c);
    }
  }
  for (const c of candidateIdx) if (!placed.has(c)) values.set(v.unplaced(c), 1);
  return values;
}
