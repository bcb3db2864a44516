import { sql, type Kysely } from 'kysely';

/**
 * Permanent e-mail failures (issue 9, A.8): an e-mail that can never be sent (unknown template,
 * recipient missing from the database, invalid template data) is marked 'failed' in the e-mail log,
 * with a code and a French reason free of personal data, instead of failing the workflow's sender;
 * the project lead lists them (GET /api/projects/:id/email-failures).
 *
 * `status` is free text (pending → sending → sent, now also failed), so no constraint changes. The
 * address becomes optional: a failure row for a recipient that does not exist has none. The partial
 * index keeps the project lead's list cheap whatever the size of the log (failures are rare).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('email_log')
    .addColumn('failure_code', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('failed_at', 'timestamptz')
    .execute();
  await db.schema
    .alterTable('email_log')
    .alterColumn('to_address', (c) => c.dropNotNull())
    .execute();
  await db.schema
    .createIndex('email_log_failed_idx')
    .on('email_log')
    .columns(['candidacy_id', 'failed_at'])
    .where(sql.ref('status'), '=', 'failed')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('email_log_failed_idx').ifExists().execute();
  // Failure rows without an address cannot stay under the old NOT NULL.
  await sql`delete from email_log where to_address is null`.execute(db);
  await db.schema
    .alterTable('email_log')
    .alterColumn('to_address', (c) => c.setNotNull())
    .execute();
  await db.schema
    .alterTable('email_log')
    .dropColumn('failure_code')
    .dropColumn('failure_reason')
    .dropColumn('failed_at')
    .execute();
}
