import { sql, type Kysely } from 'kysely';

/**
 * The transactional outbox (issue 13): a candidacy's e-mails are written to the e-mail log in the
 * transaction of the journal event that sends them, and a relay in the worker sends them, instead
 * of an activity per transition (src/outbox). New columns:
 * - `request`: what the relay needs to render and send it (workflow ID, recipient, template data);
 *   null on the rows of the e-mail activities (older runs, jury sessions), which the relay ignores;
 * - `seq` and `task`: the journal event that wrote it and the workflow task (its history length);
 *   an action's e-mails wait as 'held' until the Update that decided them is known to be in the
 *   workflow's history (src/db/email-outbox.ts says why);
 * - `next_attempt_at`: when the relay may try again after an SMTP or database failure.
 * The partial indexes keep the relay's scans and the confirmations cheap whatever the log's size.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('email_log')
    .addColumn('request', 'jsonb')
    .addColumn('seq', 'integer')
    .addColumn('task', 'integer')
    .addColumn('next_attempt_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('email_log_outbox_idx')
    .on('email_log')
    .column('created_at')
    .where(sql<boolean>`request is not null and status in ('pending', 'sending')`)
    .execute();
  await db.schema
    .createIndex('email_log_held_idx')
    .on('email_log')
    .columns(['candidacy_id', 'seq'])
    .where(sql.ref('status'), '=', 'held')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('email_log_held_idx').ifExists().execute();
  await db.schema.dropIndex('email_log_outbox_idx').ifExists().execute();
  // Held e-mails were never decided for good: without the relay nothing would send them.
  await sql`delete from email_log where status = 'held'`.execute(db);
  await db.schema
    .alterTable('email_log')
    .dropColumn('request')
    .dropColumn('seq')
    .dropColumn('task')
    .dropColumn('next_attempt_at')
    .execute();
}
