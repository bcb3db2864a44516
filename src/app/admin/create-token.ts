import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { generateToken, hashToken } from './api-tokens.js';
import { findUser } from './find-user.js';

/**
 * A new random token, stored hashed: the clear value is returned here, once.
 *
 * Refusal: `user_not_found` (not found).
 */
export async function createToken(db: Kysely<Database>, userId: string, label: string) {
  await findUser(db, userId);
  const token = generateToken();
  const id = randomUUID();
  await db
    .insertInto('api_tokens')
    .values({ id, user_id: userId, token_hash: hashToken(token), label })
    .execute();
  return { id, token, label };
}
