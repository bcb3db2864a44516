import { sql, type Kysely } from 'kysely';

/**
 * The web console's passwordless login: one-time login links sent by e-mail (15 minutes, one use)
 * and the browser sessions they open (8 hours). Only SHA-256 hashes of the link tokens and of the
 * session cookies are stored. Rows go with their user (on delete cascade); expired rows are
 * removed by the login routes themselves (the `expires_at` indexes keep that cheap).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('requested_ip', 'text')
    .execute();
  await db.schema.createIndex('login_links_user_idx').on('login_links').column('user_id').execute();
  await db.schema.createIndex('login_links_expires_idx').on('login_links').column('expires_at').execute();

  await db.schema
    .createTable('web_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('web_sessions_user_idx').on('web_sessions').column('user_id').execute();
  await db.schema.createIndex('web_sessions_expires_idx').on('web_sessions').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('web_sessions').ifExists().execute();
  await db.schema.dropTable('login_links').ifExists().execute();
}
