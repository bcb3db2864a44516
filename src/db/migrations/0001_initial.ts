import { sql, type Kysely } from 'kysely';

// Migrations receive an untyped Kysely: the schema at that point in history, not today's.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('projects')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('lead_user_id', 'uuid')
    .addColumn('policy', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('operators')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('project_operators')
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('operator_id', 'uuid', (c) => c.notNull().references('operators.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('project_operators_pk', ['project_id', 'operator_id', 'role'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('operator_id', 'uuid', (c) => c.notNull().references('operators.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('certifications')
    .addColumn('rncp_code', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('certifier_operator_id', 'uuid', (c) => c.notNull().references('operators.id'))
    .addColumn('silence_rule', 'text', (c) =>
      c
        .notNull()
        .defaultTo('admissible')
        .check(sql`silence_rule in ('admissible', 'rejected')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('skill_blocks')
    .addColumn('rncp_code', 'text', (c) => c.notNull().references('certifications.rncp_code'))
    .addColumn('block_code', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('skill_blocks_pk', ['rncp_code', 'block_code'])
    .execute();

  await db.schema
    .createTable('project_certifications')
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('rncp_code', 'text', (c) => c.notNull().references('certifications.rncp_code'))
    .addPrimaryKeyConstraint('project_certifications_pk', ['project_id', 'rncp_code'])
    .execute();

  await db.schema
    .createTable('jury_members')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('operator_id', 'uuid', (c) => c.references('operators.id'))
    .addColumn('rncp_codes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('candidates')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('birth_year', 'integer', (c) => c.notNull())
    .addColumn('qualification_level', 'text', (c) => c.notNull())
    .addColumn('job_situation', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('candidacies')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('candidate_id', 'uuid', (c) => c.notNull().references('candidates.id'))
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id'))
    .addColumn('rncp_code', 'text', (c) => c.notNull().references('certifications.rncp_code'))
    .addColumn('target_blocks', sql`text[]`, (c) => c.notNull())
    .addColumn('arm', 'text', (c) => c.notNull().check(sql`arm in ('test', 'control')`))
    .addColumn('reinforced', 'boolean', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('waiting_on', 'text', (c) => c.notNull())
    .addColumn('operator_id', 'uuid', (c) => c.notNull().references('operators.id'))
    .addColumn('next_deadline', 'timestamptz')
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('parent_candidacy_id', 'uuid', (c) => c.references('candidacies.id'))
    .addColumn('idempotency_key', 'text')
    .addColumn('request_hash', 'text')
    .addColumn('started', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('candidacies_idempotency_uq', ['created_by', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('candidacies_project_phase_idx')
    .on('candidacies')
    .columns(['project_id', 'phase'])
    .execute();
  await db.schema
    .createIndex('candidacies_operator_idx')
    .on('candidacies')
    .columns(['operator_id', 'next_deadline'])
    .execute();
  // At most one follow-up candidacy per partial result.
  await db.schema
    .createIndex('candidacies_parent_uq')
    .on('candidacies')
    .column('parent_candidacy_id')
    .unique()
    .where(sql.ref('parent_candidacy_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('candidacies_created_idx')
    .on('candidacies')
    .columns(['created_at', 'id'])
    .execute();

  await db.schema
    .createTable('candidacy_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('candidacy_id', 'uuid', (c) => c.notNull().references('candidacies.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('actor_operator_id', 'uuid', (c) => c.references('operators.id'))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('candidacy_events_seq_uq', ['candidacy_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('candidacy_events_type_idx')
    .on('candidacy_events')
    .columns(['type', 'occurred_at'])
    .execute();

  await db.schema
    .createTable('email_log')
    .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
    .addColumn('candidacy_id', 'uuid', (c) => c.references('candidacies.id').onDelete('cascade'))
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('recipient_kind', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'email_log',
    'candidacy_events',
    'candidacies',
    'candidates',
    'jury_members',
    'project_certifications',
    'skill_blocks',
    'certifications',
    'api_tokens',
    'users',
    'project_operators',
    'operators',
    'projects',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
