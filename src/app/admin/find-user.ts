import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { Refusal } from '../refusal.js';

/** A user by ID or e-mail address. Refusal: `user_not_found` (not found). */
export async function findUser(db: Kysely<Database>, idOrEmail: string) {
  const q = db.selectFrom('users').select(['id', 'email']);
  const user = /^[0-9a-f-]{36}$/i.test(idOrEmail)
    ? await q.where('id', '=', idOrEmail).executeTakeFirst()
    : await q.where('email', '=', idOrEmail).executeTakeFirst();
  if (!user) throw Refusal.notFound('user_not_found', `Aucun utilisateur ${idOrEmail}.`);
  return user;
}
