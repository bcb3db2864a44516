import { sql, type Kysely } from 'kysely';

/**
 * Reference data through the API (issue 9, A.10).
 * - `policy_changes`: every change of a project's policy — who, when, the settings before and
 *   after, and the parameters that changed. Append-only; candidacies already started keep the
 *   policy resolved at their start, so this is what explains why two candidacies differ.
 * - `projects.created_by`, `idempotency_key`, `request_hash`: `POST /api/projects` with an
 *   Idempotency-Key creates one project however often it is retried (as candidacies do).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policy_changes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('changed_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('before', 'jsonb', (c) => c.notNull())
    .addColumn('after', 'jsonb', (c) => c.notNull())
    .addColumn('changed_keys', sql`text[]`, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('policy_changes_project_idx')
    .on('policy_changes')
    .columns(['project_id', 'changed_at'])
    .execute();

  await db.schema
    .alterTable('projects')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('idempotency_key', 'text')
    .addColumn('request_hash', 'text')
    .execute();
  await db.schema
    .createIndex('projects_idempotency_uq')
    .on('projects')
    .columns(['created_by', 'idempotency_key'])
    .unique()
    .where(sql.ref('idempotency_key'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('projects_idempotency_uq').ifExists().execute();
  await db.schema
    .alterTable('projects')
    .dropColumn('created_by')
    .dropColumn('idempotency_key')
    .dropColumn('request_hash')
    .execute();
  await db.schema.dropTable('policy_changes').ifExists().execute();
}
