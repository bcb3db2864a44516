import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { solvePlanInThread } from '../../../activities/jury/solve-in-thread.js';
import { loadBookedSessions, loadWaitingCandidates } from '../../../db/jury-planning.js';
import type { Database } from '../../../db/schema.js';
import type { Caller } from '../../../domain/access.js';
import { addDuration } from '../../../domain/duration.js';
import { checkPlan, hardViolations } from '../../../domain/jury/check-plan.js';
import { shortageReport } from '../../../domain/jury/shortage.js';
import { halfDaySlots } from '../../../domain/jury/slots.js';
import type { PlanningInstance, PlanningRules, Venue } from '../../../domain/jury/types.js';
import { loadPool } from '../load-pool.js';
import { assertOrganisesJuries } from './organiser-access.js';

export const DEFAULT_PLANNING_RULES: PlanningRules = {
  minMembers: 2,
  maxMembers: 3,
  capacity: 6,
  minProfessionalShare: 0.25,
  genderPenaltyCents: 5_000,
};

export interface PlanRequest {
  projectId: string;
  rncpCode?: string | undefined;
  horizonDays: number;
  allowRemote: boolean;
  venues: Venue[];
  capacity?: number | undefined;
}

/** The planning instance of the candidacies waiting in a project, over the organiser's pool. */
export async function buildInstance(
  db: Kysely<Database>,
  caller: Caller,
  req: PlanRequest,
  now = new Date(),
): Promise<PlanningInstance> {
  const policy = await assertOrganisesJuries(db, caller, req.projectId);
  const candidates = await loadWaitingCandidates(db, { projectId: req.projectId, rncpCode: req.rncpCode });
  const codes = [...new Set(candidates.map((c) => c.rncpCode))];
  const pool = await loadPool(db, caller.operatorId, codes, { activeOnly: true });
  const booked = await loadBookedSessions(
    db,
    pool.map((m) => m.id),
  );
  return {
    plannedAt: now.toISOString(),
    earliestSessionAt: addDuration(now, policy.convocationLeadTime).toISOString(),
    candidates,
    members: pool.map((m) => ({ ...m, booked: booked.get(m.id) ?? {} })),
    slots: halfDaySlots(now, req.horizonDays),
    venues: req.venues,
    allowRemote: req.allowRemote,
    rules: { ...DEFAULT_PLANNING_RULES, ...(req.capacity ? { capacity: req.capacity } : {}) },
  };
}

/**
 * Proposes sessions for the candidacies waiting (the solver), checks the proposal again with the
 * independent checker, reports what cannot be placed and why, and stores the proposal.
 */
export async function planSessions(db: Kysely<Database>, caller: Caller, req: PlanRequest) {
  const instance = await buildInstance(db, caller, req);
  // In a thread of its own: the API keeps answering while HiGHS works (up to 10 s).
  const solved = await solvePlanInThread(instance, { timeLimitSeconds: 10 });
  const violations = checkPlan(instance, solved.plan);
  if (hardViolations(violations).length) {
    // solvePlan checks already; a violation here is a defect, never a proposal.
    throw new Error(`planner proposal breaks ${hardViolations(violations).length} rule(s)`);
  }
  const shortages = shortageReport(instance, solved.plan);
  const placed = instance.candidates.length - solved.plan.unplaced.length;
  const summary = {
    candidates: instance.candidates.length,
    members: instance.members.length,
    slots: instance.slots.length,
    placed,
    status: solved.status,
    solveMs: solved.solveMs,
    totalCostCents: solved.plan.totalCostCents,
    costPerCandidateCents: placed ? Math.round(solved.plan.totalCostCents / placed) : null,
    softViolations: violations.filter((v) => v.severity === 'soft'),
  };
  const id = randomUUID();
  await db
    .insertInto('jury_plans')
    .values({
      id,
      project_id: req.projectId,
      organiser_operator_id: caller.operatorId,
      created_by_user_id: caller.id,
      summary: JSON.stringify({ ...summary, venues: req.venues, allowRemote: req.allowRemote }),
      plan: JSON.stringify(solved.plan),
      shortages: JSON.stringify(shortages),
    })
    .execute();
  return { id, projectId: req.projectId, summary, plan: solved.plan, shortages };
}
