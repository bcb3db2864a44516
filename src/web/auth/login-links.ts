import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { hashToken, looksLikeSecret, newSecret } from './secrets.js';

/** A login link is valid 15 minutes and serves once. */
export const LOGIN_LINK_TTL_MS = 15 * 60_000;

export interface LoginUser {
  id: string;
  name: string;
  email: string;
}

/** The user an e-mail address belongs to (case-insensitive), if any. */
export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<LoginUser | null> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'email'])
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return row ? { id: row.id, name: row.display_name, email: row.email } : null;
}

/** A new link for the user: its token (only its hash is stored) and when it expires. */
export async function createLoginLink(
  db: Kysely<Database>,
  userId: string,
  requestedIp: string | undefined,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + LOGIN_LINK_TTL_MS);
  await db
    .insertInto('login_links')
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      expires_at: expiresAt,
      created_at: now,
      requested_ip: requestedIp ?? null,
    })
    .execute();
  return { token, expiresAt };
}

/** The link's user while it is unused and unexpired; null otherwise (unknown, used, expired). */
export async function findUsableLink(
  db: Kysely<Database>,
  token: string,
): Promise<(LoginUser & { expiresAt: Date }) | null> {
  if (!looksLikeSecret(token)) return null;
  const row = await db
    .selectFrom('login_links as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .select(['u.id', 'u.display_name', 'u.email', 'l.expires_at'])
    .where('l.token_hash', '=', hashToken(token))
    .where('l.used_at', 'is', null)
    .where('l.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row ? { id: row.id, name: row.display_name, email: row.email, expiresAt: row.expires_at } : null;
}

/**
 * Marks the link used and returns its user, in one statement: of two requests with the same link,
 * one only gets the user. Null when the link is unknown, already used or expired.
 */
export async function consumeLoginLink(
  db: Kysely<Database> | Transaction<Database>,
  token: string,
): Promise<string | null> {
  if (!looksLikeSecret(token)) return null;
  const row = await db
    .updateTable('login_links')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id ?? null;
}

/** Links expired for a day are of no use, not even to say « déjà servi »: removed. */
export async function purgeExpiredLinks(db: Kysely<Database>): Promise<void> {
  await db
    .deleteFrom('login_links')
    .where('expires_at', '<', sql<Date>`now() - interval '1 day'`)
    .execute();
}
