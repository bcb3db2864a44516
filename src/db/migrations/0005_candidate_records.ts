import { sql, type Kysely } from 'kysely';

/**
 * What a candidate has done across candidacies (issue 9, A.2 and A.3):
 *
 * - `admissibility_requests`: one row per admissibility request (R. 6412-3, the yearly limit), written
 *   by the API in the same transaction as the check, under a per-candidate advisory lock, so two
 *   requests at the same moment cannot both pass; the candidate is the lower-cased e-mail (creation
 *   makes a new candidate row each time), the year is the Europe/Paris calendar year.
 * - `acquired_blocks`: the blocks a jury validated, acquired for good per candidate and certification
 *   (written by the journal activity with the `jury_result_recorded` event).
 *
 * Both are backfilled from the journal.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('admissibility_requests')
    .addColumn('candidacy_id', 'uuid', (c) => c.primaryKey().references('candidacies.id').onDelete('cascade'))
    .addColumn('candidate_key', 'text', (c) => c.notNull())
    .addColumn('rncp_code', 'text', (c) => c.notNull())
    .addColumn('whole_certification', 'boolean', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('admissibility_requests_candidate_year_idx')
    .on('admissibility_requests')
    .columns(['candidate_key', 'year'])
    .execute();

  await db.schema
    .createTable('acquired_blocks')
    .addColumn('candidate_id', 'uuid', (c) => c.notNull().references('candidates.id'))
    .addColumn('rncp_code', 'text', (c) => c.notNull())
    .addColumn('block_code', 'text', (c) => c.notNull())
    .addColumn('candidacy_id', 'uuid', (c) => c.notNull().references('candidacies.id'))
    .addColumn('acquired_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('acquired_blocks_pk', ['candidate_id', 'rncp_code', 'block_code'])
    .execute();

  // One request per candidacy: its first admissibility_requested event.
  await sql`
    insert into admissibility_requests
      (candidacy_id, candidate_key, rncp_code, whole_certification, year, created_at)
    select distinct on (e.candidacy_id)
      e.candidacy_id,
      lower(p.email),
      c.rncp_code,
      coalesce((e.payload->>'wholeCertification')::boolean, false),
      extract(year from e.occurred_at at time zone 'Europe/Paris')::integer,
      e.occurred_at
    from candidacy_events e
    join candidacies c on c.id = e.candidacy_id
    join candidates p on p.id = c.candidate_id
    where e.type = 'admissibility_requested'
    order by e.candidacy_id, e.occurred_at, e.seq
    on conflict do nothing
  `.execute(db);

  // Each validated block, from the first jury result that validated it.
  await sql`
    insert into acquired_blocks (candidate_id, rncp_code, block_code, candidacy_id, acquired_at)
    select distinct on (c.candidate_id, c.rncp_code, b.block_code)
      c.candidate_id, c.rncp_code, b.block_code, e.candidacy_id, e.occurred_at
    from candidacy_events e
    join candidacies c on c.id = e.candidacy_id
    cross join lateral jsonb_array_elements_text(
      case when jsonb_typeof(e.payload->'validatedBlocks') = 'array'
        then e.payload->'validatedBlocks' else '[]'::jsonb end
    ) as b(block_code)
    where e.type = 'jury_result_recorded'
    order by c.candidate_id, c.rncp_code, b.block_code, e.occurred_at
    on conflict do nothing
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('acquired_blocks').execute();
  await db.schema.dropTable('admissibility_requests').execute();
}
