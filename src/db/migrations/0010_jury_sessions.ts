import { sql, type Kysely } from 'kysely';

/** Jury sessions: planner proposals, sessions, their members, candidacies, invitations and journal. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jury_plans')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id'))
    .addColumn('organiser_operator_id', 'uuid', (c) => c.notNull().references('operators.id'))
    .addColumn('created_by_user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('summary', 'jsonb', (c) => c.notNull())
    .addColumn('plan', 'jsonb', (c) => c.notNull())
    .addColumn('shortages', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('jury_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id'))
    .addColumn('organiser_operator_id', 'uuid', (c) => c.notNull().references('operators.id'))
    .addColumn('plan_id', 'uuid', (c) => c.references('jury_plans.id'))
    .addColumn('plan_session_key', 'text')
    .addColumn('rncp_code', 'text', (c) => c.notNull().references('certifications.rncp_code'))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('modality', 'text', (c) => c.notNull())
    .addColumn('place', 'text')
    // Of an on-site session's place, for members' travel.
    .addColumn('departement', 'text')
    .addColumn('room_url', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('cost_cents', 'integer')
    .addColumn('created_by_user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One session per proposal of a plan: accepting it twice makes one session.
  await sql`create unique index jury_sessions_plan_key on jury_sessions (plan_id, plan_session_key) where plan_id is not null`.execute(
    db,
  );
  await db.schema
    .createIndex('jury_sessions_organiser_idx')
    .on('jury_sessions')
    .columns(['organiser_operator_id', 'starts_at'])
    .execute();

  await db.schema
    .createTable('jury_session_members')
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('jury_sessions.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('jury_members.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('president', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('fee_cents', 'integer', (c) => c.notNull())
    .addColumn('travel_cents', 'integer', (c) => c.notNull())
    .addColumn('attendance', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('jury_session_members_pk', ['session_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('jury_session_candidates')
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('jury_sessions.id').onDelete('cascade'))
    .addColumn('candidacy_id', 'uuid', (c) => c.notNull().references('candidacies.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('refusal_code', 'text')
    .addColumn('attendance', 'text')
    .addColumn('outcome', 'text')
    .addColumn('validated_blocks', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('jury_session_candidates_pk', ['session_id', 'candidacy_id'])
    .execute();
  // A candidacy is held by one live session at a time.
  await sql`create unique index jury_session_candidates_live on jury_session_candidates (candidacy_id) where status in ('reserved', 'enrolled')`.execute(
    db,
  );

  await db.schema
    .createTable('jury_invitations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('jury_sessions.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('jury_members.id'))
    .addColumn('respond_by', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('jury_session_events')
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('jury_sessions.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'uuid')
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('jury_session_events_pk', ['session_id', 'seq'])
    .execute();

  // E-mails of a session (invitations, convocations of members, alerts) have no candidacy.
  await db.schema.alterTable('email_log').addColumn('session_id', 'uuid').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('email_log').dropColumn('session_id').execute();
  for (const t of [
    'jury_session_events',
    'jury_invitations',
    'jury_session_candidates',
    'jury_session_members',
    'jury_sessions',
    'jury_plans',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
