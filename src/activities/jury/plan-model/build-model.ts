/** Builds the model of an instance, or of a part of it (see index.ts). */
import { minMembersOf } from '../../../domain/jury/eligibility.js';
import type { Plan, PlanningInstance } from '../../../domain/jury/types.js';
import { type Carried, emptyCarried } from './carried.js';
import type { Context } from './context.js';
import { type Draft, sessionDrafts } from './drafts.js';
import { enumerateJuries } from './juries.js';
import { pruningFor, type PruningOptions } from './pruning.js';
import type { PlanModel, SessionOption } from './types.js';
import { addStartSessions, startValues } from './warm-start.js';
import { writeModel } from './write-model.js';

export interface ModelScope {
  /** Only these certifications (default: all). */
  rncpCodes?: ReadonlySet<string>;
  carried?: Carried;
  /** A valid plan whose sessions (of the scope) are kept as options and given as a start. */
  start?: Plan;
  pruning?: Partial<PruningOptions>;
}

export function buildPlanModel(instance: PlanningInstance, scope: ModelScope = {}): PlanModel {
  const carried = scope.carried ?? emptyCarried();
  const inScope = (code: string) => !scope.rncpCodes || scope.rncpCodes.has(code);
  const candidateIdx = instance.candidates.flatMap((c, i) => (inScope(c.rncpCode) ? [i] : []));
  // By the size of the whole instance, so that every sub-model of a decomposition prunes alike.
  const pruning = { ...pruningFor(instance.candidates.length), ...scope.pruning };
  const minMembers = minMembersOf(instance.rules);

  const ctx: Context = { instance, pruning, carried, okFor: new Map(), tiedTo: new Map() };
  const { drafts, draftByKey } = sessionDrafts(ctx, candidateIdx);
  const startSessions = addStartSessions(ctx, scope.start, inScope, candidateIdx, drafts, draftByKey);

  const options: SessionOption[] = [];
  const optionIndex = new Map<Draft, number>();
  for (const d of drafts) {
    if (!d.kept.size) continue;
    const candidates = [...d.kept].sort((a, b) => a - b);
    const juries = enumerateJuries(ctx, d, candidates, minMembers);
    if (!juries.length) continue;
    optionIndex.set(d, options.length);
    options.push({
      rncpCode: d.rncpCode,
      slot: d.slot,
      modality: d.modality,
      venue: d.venue,
      candidates,
      juries,
    });
  }

  const model = writeModel(instance, candidateIdx, options, carried);
  if (scope.start) model.start = startValues(instance, candidateIdx, options, startSessions, optionIndex);
  return model;
}
