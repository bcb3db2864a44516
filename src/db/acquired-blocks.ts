import { sql, type Kysely } from 'kysely';
import { personKey, personKeyOf, type Person } from './person.js';
import type { Database } from './schema.js';

/**
 * A block a jury validated for this person: acquired for good, never examined again, in any of
 * their candidacies. The person is src/db/person.ts's (the e-mail, without case): creation makes a
 * new candidate row for each candidacy, so the blocks are looked up across all the rows of the
 * person, each with its first validation.
 */
export interface AcquiredBlock {
  code: string;
  acquiredAt: string;
  /** The candidacy whose jury validated it. */
  candidacyId: string;
}

/**
 * The blocks of a certification the person has acquired, by block code. The person is given by one
 * of their candidate rows (an ID), or by the e-mail of a candidacy being created.
 */
export async function acquiredBlocksOf(
  db: Kysely<Database>,
  who: string | Person,
  rncpCode: string,
): Promise<AcquiredBlock[]> {
  const person: Person = typeof who === 'string' ? { candidateId: who } : who;
  const rows = await db
    .selectFrom('acquired_blocks as a')
    .innerJoin('candidates as p', 'p.id', 'a.candidate_id')
    .select(['a.block_code', 'a.acquired_at', 'a.candidacy_id'])
    .where(personKey(sql.ref('p.email')), '=', personKeyOf(person))
    .where('a.rncp_code', '=', rncpCode)
    // A block validated in two candidacies of the person (before this rule held): its first validation.
    .distinctOn('a.block_code')
    .orderBy('a.block_code')
    .orderBy('a.acquired_at')
    .orderBy('a.candidacy_id')
    .execute();
  return rows.map((r) => ({
    code: r.block_code,
    acquiredAt: r.acquired_at.toISOString(),
    candidacyId: r.candidacy_id,
  }));
}

/**
 * For each candidate row given, the blocks its person acquired, by certification: one query for a
 * page of candidacies (the list, the jury planner). Rows without any are absent from the map.
 */
export async function acquiredBlocksByCandidate(
  db: Kysely<Database>,
  candidateIds: string[],
): Promise<Map<string, Map<string, AcquiredBlock[]>>> {
  const out = new Map<string, Map<string, AcquiredBlock[]>>();
  if (candidateIds.length === 0) return out;
  const rows = await db
    .selectFrom('candidates as q')
    .innerJoin('candidates as p', (j) =>
      j.on(sql<boolean>`${personKey(sql.ref('p.email'))} = ${personKey(sql.ref('q.email'))}`),
    )
    .innerJoin('acquired_blocks as a', 'a.candidate_id', 'p.id')
    .select(['q.id as for_candidate', 'a.rncp_code', 'a.block_code', 'a.acquired_at', 'a.candidacy_id'])
    .where('q.id', 'in', [...new Set(candidateIds)])
    .distinctOn(['q.id', 'a.rncp_code', 'a.block_code'])
    .orderBy('q.id')
    .orderBy('a.rncp_code')
    .orderBy('a.block_code')
    .orderBy('a.acquired_at')
    .orderBy('a.candidacy_id')
    .execute();
  for (const r of rows) {
    const byCertification = out.get(r.for_candidate) ?? new Map<string, AcquiredBlock[]>();
    out.set(r.for_candidate, byCertification);
    const blocks = byCertification.get(r.rncp_code) ?? [];
    byCertification.set(r.rncp_code, blocks);
    blocks.push({ code: r.block_code, acquiredAt: r.acquired_at.toISOString(), candidacyId: r.candidacy_id });
  }
  return out;
}
