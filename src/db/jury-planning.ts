import { sql, type Kysely } from 'kysely';
import { acquiredBlocksByCandidate } from './acquired-blocks.js';
import type { WaitingCandidate } from '../domain/jury/types.js';
import type { Database } from './schema.js';

/**
 * The candidacies waiting for a jury as the planner reads them: validation file filed, not held
 * by a live session, their blocks still to examine, their jury deadline (from the journal), and
 * what conflicts of interest need (employer, coaching operator, the coach who logged sessions).
 * Restricted to `candidacyIds` when given (a session's own candidacies, whatever their phase).
 */
export async function loadWaitingCandidates(
  db: Kysely<Database>,
  filter: { projectId: string; rncpCode?: string } | { candidacyIds: string[] },
): Promise<WaitingCandidate[]> {
  let q = db
    .selectFrom('candidacies as c')
    .innerJoin('candidates as p', 'p.id', 'c.candidate_id')
    .select([
      'c.id',
      'c.rncp_code',
      'c.target_blocks',
      'c.candidate_id',
      'c.coach_operator_id',
      'p.employer',
      sql<string | null>`(select e.payload->>'juryDeadlineAt' from candidacy_events e
        where e.candidacy_id = c.id and e.type = 'validation_file_submitted' order by e.seq desc limit 1)`.as(
        'jury_deadline_at',
      ),
      sql<string | null>`(select e.actor_user_id::text from candidacy_events e
        where e.candidacy_id = c.id and e.type = 'coaching_session_logged' order by e.seq desc limit 1)`.as(
        'coach_user_id',
      ),
    ]);
  if ('candidacyIds' in filter) {
    if (filter.candidacyIds.length === 0) return [];
    q = q.where('c.id', 'in', filter.candidacyIds);
  } else {
    q = q
      .where('c.project_id', '=', filter.projectId)
      .where('c.phase', '=', 'validation_file_submitted')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('jury_session_candidates as j')
              .select('j.candidacy_id')
              .whereRef('j.candidacy_id', '=', 'c.id')
              .where('j.status', 'in', ['reserved', 'enrolled']),
          ),
        ),
      );
    if (filter.rncpCode) q = q.where('c.rncp_code', '=', filter.rncpCode);
  }
  const rows = await q.orderBy('c.id').execute();
  // Blocks the person acquired in any candidacy (src/db/person.ts) are not examined again.
  const acquired = await acquiredBlocksByCandidate(
    db,
    rows.map((r) => r.candidate_id),
  );
  return rows
    .filter((r) => r.jury_deadline_at !== null)
    .map((r) => ({
      candidacyId: r.id,
      rncpCode: r.rncp_code,
      blockCodes: r.target_blocks.filter(
        (b) =>
          !acquired
            .get(r.candidate_id)
            ?.get(r.rncp_code)
            ?.some((a) => a.code === b),
      ),
      juryDeadlineAt: new Date(r.jury_deadline_at!).toISOString(),
      employer: r.employer ?? null,
      coachOperatorId: r.coach_operator_id,
      coachUserId: r.coach_user_id,
      // Remote sessions are offered to every candidate unless the project says otherwise.
      acceptsRemote: true,
    }));
}

/** Sessions per member and Paris year, held or booked (not cancelled), for the yearly caps. */
export async function loadBookedSessions(
  db: Kysely<Database>,
  memberIds: string[],
): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  if (memberIds.length === 0) return out;
  const rows = await db
    .selectFrom('jury_session_members as m')
    .innerJoin('jury_sessions as s', 's.id', 'm.session_id')
    .select([
      'm.member_id',
      sql<string>`extract(year from s.starts_at at time zone 'Europe/Paris')::text`.as('year'),
      sql<number>`count(*)::int`.as('n'),
    ])
    .where('m.member_id', 'in', memberIds)
    .where('m.status', 'in', ['invited', 'accepted'])
    .where('s.status', '!=', 'cancelled')
    .groupBy(['m.member_id', 'year'])
    .execute();
  for (const r of rows) {
    const booked = out.get(r.member_id) ?? {};
    booked[r.year] = r.n;
    out.set(r.member_id, booked);
  }
  return out;
}
