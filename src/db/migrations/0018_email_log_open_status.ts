import { sql, type Kysely } from 'kysely';

/**
 * The e-mails not yet sent, by status: the `vae_outbox_emails` gauge counts them at each scrape
 * (src/observability/api-metrics.ts). Sent e-mails stay in the log for good, so without this
 * index every scrape read the whole log; with it, a scrape reads only what is held, waiting or
 * failed, whatever the log's size.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('email_log_open_status_idx')
    .on('email_log')
    .column('status')
    .where(sql<boolean>`status <> 'sent'`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('email_log_open_status_idx').ifExists().execute();
}
