import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { UserRole } from '../../domain/roles.js';
import { hashToken, looksLikeSecret, newSecret } from './secrets.js';

/** A console session lasts 8 hours from the login, whatever the activity (then a new link). */
export const SESSION_TTL_MS = 8 * 3600_000;
/** last_seen_at is written at most once a minute per session. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionRow {
  idHash: string;
  csrf: string;
  expiresAt: Date;
  userId: string;
  operatorId: string;
  role: UserRole;
  name: string;
  email: string;
}

/** A new session: the cookie's value (only its hash is stored) and its CSRF token. */
export async function createWebSession(
  db: Kysely<Database> | Transaction<Database>,
  userId: string,
  now = new Date(),
): Promise<{ cookie: string; idHash: string; csrf: string; expiresAt: Date }> {
  const cookie = newSecret();
  const csrf = newSecret();
  const idHash = hashToken(cookie);
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db
    .insertInto('web_sessions')
    .values({
      id_hash: idHash,
      user_id: userId,
      csrf_token: csrf,
      expires_at: expiresAt,
      created_at: now,
      last_seen_at: now,
    })
    .execute();
  return { cookie, idHash, csrf, expiresAt };
}

/**
 * The session a login opens (an e-mailed link or OpenID Connect): a new session ID at every login
 * (no fixation), the browser's previous session ends, and expired ones are purged.
 */
export async function openWebSession(
  db: Kysely<Database> | Transaction<Database>,
  userId: string,
  previousCookie: string | undefined,
): Promise<{ cookie: string; idHash: string; csrf: string; expiresAt: Date }> {
  if (previousCookie) await deleteWebSession(db, previousCookie);
  await purgeExpiredSessions(db);
  return createWebSession(db, userId);
}

/** The unexpired session of a cookie with its user, refreshing last_seen_at (once a minute at most). */
export async function loadWebSession(db: Kysely<Database>, cookie: string): Promise<SessionRow | null> {
  if (!looksLikeSecret(cookie)) return null;
  const idHash = hashToken(cookie);
  const row = await db
    .selectFrom('web_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.csrf_token',
      's.expires_at',
      's.last_seen_at',
      'u.id as user_id',
      'u.operator_id',
      'u.role',
      'u.display_name',
      'u.email',
    ])
    .where('s.id_hash', '=', idHash)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  if (!row) return null;
  if (Date.now() - row.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
    await db
      .updateTable('web_sessions')
      .set({ last_seen_at: new Date() })
      .where('id_hash', '=', idHash)
      .execute();
  }
  return {
    idHash,
    csrf: row.csrf_token,
    expiresAt: row.expires_at,
    userId: row.user_id,
    operatorId: row.operator_id,
    role: row.role as UserRole,
    name: row.display_name,
    email: row.email,
  };
}

export async function deleteWebSession(
  db: Kysely<Database> | Transaction<Database>,
  cookie: string,
): Promise<void> {
  if (!looksLikeSecret(cookie)) return;
  await db.deleteFrom('web_sessions').where('id_hash', '=', hashToken(cookie)).execute();
}

/** Expired sessions are removed when a new one is opened. */
export async function purgeExpiredSessions(db: Kysely<Database> | Transaction<Database>): Promise<void> {
  await db
    .deleteFrom('web_sessions')
    .where('expires_at', '<', sql<Date>`now()`)
    .execute();
}
