import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { findUser } from './find-user.js';

/** A user's tokens, without their value. Refusal: `user_not_found` (not found). */
export async function listTokens(db: Kysely<Database>, userId: string) {
  await findUser(db, userId);
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'label', 'created_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((t) => ({
    id: t.id,
    label: t.label,
    createdAt: t.created_at.toISOString(),
    lastUsedAt: t.last_used_at?.toISOString() ?? null,
    revokedAt: t.revoked_at?.toISOString() ?? null,
  }));
}
