import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { CandidacyRow, Database } from '../../db/schema.js';
import type { CandidacyView } from '../../workflows/candidacy/contract.js';
import { queryState } from '../../app/candidacies/run-action.js';
import { TEMPORAL_DEADLINES } from '../../app/temporal-deadline.js';
import { personalDataAllowed, visibleTo } from '../access.js';
import type { AuthenticatedUser } from '../auth.js';
import { acquiredBlocksByCandidate, acquiredBlocksOf, type AcquiredBlock } from '../../db/acquired-blocks.js';
import type { listQuerySchema } from './schemas.js';

export function toSummary(row: CandidacyRow) {
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

/**
 * The read model joined with the live workflow state (a Query; null if Temporal does not
 * answer, or when `withLive` is false). The candidate's identity and contact details only for
 * the operators working with them now; others get the candidate's id alone. `acquiredBlocks`: the
 * blocks of this certification the person acquired (validated by a jury, in any of their
 * candidacies: src/db/person.ts).
 */
export async function getCandidacy(
  db: Kysely<Database>,
  temporal: Client,
  row: CandidacyRow,
  user: AuthenticatedUser,
  { withLive = true }: { withLive?: boolean } = {},
) {
  const [candidate, acquiredBlocks] = await Promise.all([
    db.selectFrom('candidates').selectAll().where('id', '=', row.candidate_id).executeTakeFirstOrThrow(),
    acquiredBlocksOf(db, row.candidate_id, row.rncp_code),
  ]);
  let live: CandidacyView | null = null;
  if (withLive) {
    try {
      live = await queryState(temporal, row.workflow_id, TEMPORAL_DEADLINES.queryMs);
    } catch {
      live = null;
    }
  }
  return {
    ...toSummary(row),
    candidate: personalDataAllowed(user, row)
      ? {
          id: candidate.id,
          firstName: candidate.first_name,
          lastName: candidate.last_name,
          email: candidate.email,
          phone: candidate.phone,
          birthYear: candidate.birth_year,
          qualificationLevel: candidate.qualification_level,
          jobSituation: candidate.job_situation,
          employer: candidate.employer,
        }
      : { id: candidate.id },
    acquiredBlocks,
    live,
  };
}

/**
 * `total` of a list counts the matching candidacies up to this many, and says when there are more
 * (`totalCapped`): counting every one the caller sees took 70–150 ms at 100,000 candidacies, more than
 * the page itself, where counting up to 10,001 takes about 15 ms.
 */
export const LIST_TOTAL_CAP = 10_000;

/** Lists from the read model what the caller may see; names only where they work with the candidate. */
export async function listCandidacies(
  db: Kysely<Database>,
  user: AuthenticatedUser,
  q: z.infer<typeof listQuerySchema>,
) {
  let query = await visibleTo(db, db.selectFrom('candidacies').where('started', '=', true), user);
  if (q.projectId) query = query.where('project_id', '=', q.projectId);
  if (q.phase) query = query.where('phase', '=', q.phase);
  if (q.operatorId) query = query.where('operator_id', '=', q.operatorId);
  if (q.rncpCode) query = query.where('rncp_code', '=', q.rncpCode);
  if (q.arm) query = query.where('arm', '=', q.arm);
  if (q.waitingOn) query = query.where('waiting_on', '=', q.waitingOn);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute(),
    db
      .selectFrom(
        query
          .select(sql`1`.as('one'))
          .limit(LIST_TOTAL_CAP + 1)
          .as('matching'),
      )
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  const matching = Number(count.n);
  const [named, acquired] = await Promise.all([withNames(db, user, rows), acquiredByCandidacy(db, rows)]);
  return {
    items: named.map((item, i) => ({ ...item, acquiredBlocks: acquired[i]! })),
    total: Math.min(matching, LIST_TOTAL_CAP),
    totalCapped: matching > LIST_TOTAL_CAP,
    limit: q.limit,
    offset: q.offset,
  };
}

/** For each row, the blocks of its certification its person acquired (in any candidacy): one query for the page. */
async function acquiredByCandidacy(db: Kysely<Database>, rows: CandidacyRow[]): Promise<AcquiredBlock[][]> {
  const found = await acquiredBlocksByCandidate(
    db,
    rows.map((r) => r.candidate_id),
  );
  return rows.map((r) => found.get(r.candidate_id)?.get(r.rncp_code) ?? []);
}

/** Summaries, with the candidate's name for the rows where the caller may see it. */
export async function withNames(db: Kysely<Database>, user: AuthenticatedUser, rows: CandidacyRow[]) {
  const allowed = rows.filter((r) => personalDataAllowed(user, r));
  const names = allowed.length
    ? await db
        .selectFrom('candidates')
        .select(['id', 'first_name', 'last_name'])
        .where(
          'id',
          'in',
          allowed.map((r) => r.candidate_id),
        )
        .execute()
    : [];
  const byId = new Map(names.map((n) => [n.id, { firstName: n.first_name, lastName: n.last_name }]));
  return rows.map((r) => ({
    ...toSummary(r),
    ...(personalDataAllowed(user, r) && byId.has(r.candidate_id)
      ? { candidate: byId.get(r.candidate_id) }
      : {}),
  }));
}
