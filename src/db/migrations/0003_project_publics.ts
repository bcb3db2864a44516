import { sql, type Kysely } from 'kysely';

/** A project's target publics (DOMAIN.md: job seekers, employees of sectors in tension...). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('projects')
    .addColumn('target_publics', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('target_publics').execute();
}
