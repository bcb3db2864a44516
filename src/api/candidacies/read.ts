import type { Client } from '@temporalio/client';
import type { Kysely, Selectable } from 'kysely';
import type { CandidaciesTable, Database } from '../../db/schema.js';
import { stateQuery } from '../../workflows/messages.js';
import type { CandidacyView } from '../../workflows/candidacy-types.js';
import { HttpError } from '../problem.js';
import type { listQuerySchema } from './schemas.js';
import type { z } from 'zod';

export function toSummary(row: Selectable<CandidaciesTable>) {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    projectId: row.project_id,
    rncpCode: row.rncp_code,
    targetBlocks: row.target_blocks,
    arm: row.arm,
    reinforced: row.reinforced,
    phase: row.phase,
    waitingOn: row.waiting_on,
    operatorId: row.operator_id,
    nextDeadline: row.next_deadline ? row.next_deadline.toISOString() : null,
    parentCandidacyId: row.parent_candidacy_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The read model joined with the live workflow state (a Query); live is null if Temporal is unreachable. */
export async function getCandidacy(db: Kysely<Database>, temporal: Client, id: string) {
  const row = await db
    .selectFrom('candidacies')
    .selectAll()
    .where('id', '=', id)
    .where('started', '=', true)
    .executeTakeFirst();
  if (!row) throw new HttpError(404, 'candidacy_not_found', `Aucune candidature ${id}.`);
  const candidate = await db
    .selectFrom('candidates')
    .selectAll()
    .where('id', '=', row.candidate_id)
    .executeTakeFirstOrThrow();

  let live: CandidacyView | null = null;
  try {
    live = await temporal.connection.withDeadline(Date.now() + 5_000, () =>
      temporal.workflow.getHandle(row.workflow_id).query(stateQuery),
    );
  } catch {
    live = null;
  }
  return {
    ...toSummary(row),
    candidate: {
      id: candidate.id,
      firstName: candidate.first_name,
      lastName: candidate.last_name,
      email: candidate.email,
      phone: candidate.phone,
      birthYear: candidate.birth_year,
      qualificationLevel: candidate.qualification_level,
      jobSituation: candidate.job_situation,
    },
    live,
  };
}

export async function listCandidacies(db: Kysely<Database>, q: z.infer<typeof listQuerySchema>) {
  let query = db.selectFrom('candidacies').where('started', '=', true);
  if (q.projectId) query = query.where('project_id', '=', q.projectId);
  if (q.phase) query = query.where('phase', '=', q.phase);
  if (q.operatorId) query = query.where('operator_id', '=', q.operatorId);
  if (q.rncpCode) query = query.where('rncp_code', '=', q.rncpCode);
  if (q.arm) query = query.where('arm', '=', q.arm);
  if (q.waitingOn) query = query.where('waiting_on', '=', q.waitingOn);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toSummary), total: Number(count.n), limit: q.limit, offset: q.offset };
}
