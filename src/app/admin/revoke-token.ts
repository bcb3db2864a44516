import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { Refusal } from '../refusal.js';

/**
 * Revokes at once: the next request with this token gets 401. Idempotent.
 *
 * Refusal: `token_not_found` (not found).
 */
export async function revokeToken(db: Kysely<Database>, tokenId: string) {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'revoked_at'])
    .where('id', '=', tokenId)
    .executeTakeFirst();
  if (!row) throw Refusal.notFound('token_not_found', `Aucun jeton ${tokenId}.`);
  if (row.revoked_at) return { id: row.id, revokedAt: row.revoked_at.toISOString() };
  const revokedAt = new Date();
  await db.updateTable('api_tokens').set({ revoked_at: revokedAt }).where('id', '=', tokenId).execute();
  return { id: row.id, revokedAt: revokedAt.toISOString() };
}
