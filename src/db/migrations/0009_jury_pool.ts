import { sql, type Kysely } from 'kysely';

/**
 * The jury pool (DOMAIN.md, « Jury sessions, as a planning problem »): what the planner needs of
 * each member, on `jury_members`, and the candidate's employer (conflicts of interest) on
 * `candidates`.
 *
 * - `qualifications`: `[{ rncpCode, blockCodes: string[] | 'all' }]`, backfilled from `rncp_codes`
 *   as 'all'. `rncp_codes` stays, derived from it by the use cases (the certifications assessed),
 *   for filters.
 * - ties (`tie_employers`, `tie_operator_ids`, `tie_user_ids`), `availability`
 *   (`{ weekly: [{ weekday, from, to }], unavailableDates: ["YYYY-MM-DD"] }`), `remote`,
 *   `home_departement`, `fee_cents`, `travel_cents` (euro cents), `yearly_cap`, `updated_at`.
 * - The pool belongs to an operator (the jury organiser's): `operator_id` becomes NOT NULL. Rows
 *   without one get the demo jury-organisation operator when it exists, else the only operator
 *   organising juries in a project when there is exactly one; if some remain, the migration stops
 *   and says so (an owner cannot be guessed).
 * - The e-mail address is unique per pool (operator, case-insensitive) instead of across pools.
 *
 * Rows written before this migration keep `updated_at = created_at`, which the demo seed reads as
 * « never edited » to fill in the pool attributes of its own members.
 */

/** The demo jury-organisation operator (src/db/demo-data.ts), owner of the demo pool. */
const DEMO_JURY_OPERATOR = '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0105';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jury_members')
    .addColumn('qualifications', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('tie_employers', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('tie_operator_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('tie_user_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('availability', 'jsonb', (c) =>
      c.notNull().defaultTo(sql`'{"weekly": [], "unavailableDates": []}'::jsonb`),
    )
    .addColumn('remote', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('home_departement', 'text')
    .addColumn('fee_cents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('travel_cents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('yearly_cap', 'integer', (c) => c.notNull().defaultTo(12))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await sql`
    update jury_members set
      qualifications = coalesce(
        (select jsonb_agg(jsonb_build_object('rncpCode', code, 'blockCodes', 'all') order by code)
           from unnest(rncp_codes) as code),
        '[]'::jsonb),
      updated_at = created_at
  `.execute(db);

  await sql`
    update jury_members set operator_id = ${DEMO_JURY_OPERATOR}::uuid
    where operator_id is null and exists (select 1 from operators where id = ${DEMO_JURY_OPERATOR}::uuid)
  `.execute(db);
  await sql`
    update jury_members set operator_id = sole.operator_id
    from (select min(operator_id::text)::uuid as operator_id from project_operators
          where role = 'jury_organisation' having count(distinct operator_id) = 1) as sole
    where jury_members.operator_id is null
  `.execute(db);
  const orphans = await sql<{ n: string }>`
    select count(*) as n from jury_members where operator_id is null
  `.execute(db);
  if (Number(orphans.rows[0]?.n ?? 0) > 0) {
    throw new Error(
      `0009_jury_pool: ${orphans.rows[0]!.n} jury member(s) have no operator and none can be inferred; ` +
        'set jury_members.operator_id to the operator whose pool they belong to, then migrate again.',
    );
  }
  await db.schema
    .alterTable('jury_members')
    .alterColumn('operator_id', (c) => c.setNotNull())
    .execute();

  await sql`alter table jury_members drop constraint if exists jury_members_email_key`.execute(db);
  await db.schema
    .createIndex('jury_members_operator_email_uq')
    .on('jury_members')
    .expression(sql`operator_id, lower(email)`)
    .unique()
    .execute();

  await sql`
    alter table jury_members
      add constraint jury_members_profile_ck check (profile in ('professional', 'trainer')),
      add constraint jury_members_gender_ck check (gender in ('F', 'M')),
      add constraint jury_members_fee_ck check (fee_cents >= 0),
      add constraint jury_members_travel_ck check (travel_cents >= 0),
      add constraint jury_members_cap_ck check (yearly_cap between 1 and 200),
      add constraint jury_members_departement_ck check (
        home_departement is null or home_departement ~ '^(0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B|97[1-6])$')
  `.execute(db);

  await db.schema.alterTable('candidates').addColumn('employer', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('candidates').dropColumn('employer').execute();
  await sql`
    alter table jury_members
      drop constraint if exists jury_members_profile_ck,
      drop constraint if exists jury_members_gender_ck,
      drop constraint if exists jury_members_fee_ck,
      drop constraint if exists jury_members_travel_ck,
      drop constraint if exists jury_members_cap_ck,
      drop constraint if exists jury_members_departement_ck
  `.execute(db);
  await db.schema.dropIndex('jury_members_operator_email_uq').ifExists().execute();
  // Fails if two pools now share an address: unique across pools was the rule before.
  await sql`alter table jury_members add constraint jury_members_email_key unique (email)`.execute(db);
  await db.schema
    .alterTable('jury_members')
    .alterColumn('operator_id', (c) => c.dropNotNull())
    .execute();
  await db.schema
    .alterTable('jury_members')
    .dropColumn('qualifications')
    .dropColumn('tie_employers')
    .dropColumn('tie_operator_ids')
    .dropColumn('tie_user_ids')
    .dropColumn('availability')
    .dropColumn('remote')
    .dropColumn('home_departement')
    .dropColumn('fee_cents')
    .dropColumn('travel_cents')
    .dropColumn('yearly_cap')
    .dropColumn('updated_at')
    .execute();
}
