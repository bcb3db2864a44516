import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Caller } from '../../../domain/access.js';
import type { Shortage } from '../../../domain/jury/shortage.js';
import type { Plan } from '../../../domain/jury/types.js';
import { Refusal } from '../../refusal.js';
import { assertJuryOrganiser } from './organiser-access.js';

export interface PlanSummary {
  candidates: number;
  members: number;
  slots: number;
  placed: number;
  status: string;
  solveMs: number;
  totalCostCents: number;
  costPerCandidateCents: number | null;
  venues?: { id: string; departement: string }[];
  allowRemote?: boolean;
}

/**
 * A proposal of the planner as it was stored (its sessions, cost and shortage report), for the
 * organiser's operator that asked for it, with the session each proposed one has become, if any.
 */
export async function getPlan(db: Kysely<Database>, caller: Caller, id: string) {
  assertJuryOrganiser(caller);
  const row = await db
    .selectFrom('jury_plans')
    .selectAll()
    .where('id', '=', id)
    .where('organiser_operator_id', '=', caller.operatorId)
    .executeTakeFirst();
  if (!row) throw Refusal.notFound('plan_not_found', 'Proposition de planification inconnue.');
  const made = await db
    .selectFrom('jury_sessions')
    .select(['id', 'plan_session_key', 'status'])
    .where('plan_id', '=', id)
    .execute();
  return {
    id: row.id,
    projectId: row.project_id,
    createdAt: row.created_at.toISOString(),
    summary: row.summary as PlanSummary,
    plan: row.plan as Plan,
    shortages: row.shortages as Shortage[],
    sessionsMade: new Map(made.map((m) => [m.plan_session_key ?? '', { id: m.id, status: m.status }])),
  };
}

/** The projects whose juries the organiser's operator organises (where they may plan). */
export async function projectsOrganised(db: Kysely<Database>, caller: Caller) {
  assertJuryOrganiser(caller);
  return db
    .selectFrom('project_operators as po')
    .innerJoin('projects as p', 'p.id', 'po.project_id')
    .select(['p.id', 'p.name'])
    .where('po.operator_id', '=', caller.operatorId)
    .where('po.role', '=', 'jury_organisation')
    .orderBy('p.name')
    .execute();
}
