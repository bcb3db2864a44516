import { sql, type Kysely } from 'kysely';

/**
 * The experiment's secrets, one row per project, apart from the project's own row (which the
 * reference routes show): the seed of the randomisation sequence (an auditor given it regenerates
 * every allocation) and the key of the evaluators' pseudonyms (a keyed hash per project, so that
 * pseudonyms do not link across projects). Created on first use (src/db/experiment-secrets.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('experiment_secrets')
    .addColumn('project_id', 'uuid', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
    .addColumn('allocation_seed', 'text', (c) => c.notNull())
    .addColumn('pseudonym_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('experiment_secrets').ifExists().execute();
}
