import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { USER_ROLES, type UserRole } from '../../domain/roles.js';
import { Refusal } from '../refusal.js';

/**
 * A new user: one operator, one role, one e-mail address.
 *
 * Refusals: an unknown role (invalid), `operator_not_found` (not found), `user_exists` (conflict).
 */
export async function createUser(
  db: Kysely<Database>,
  input: { operatorId: string; role: UserRole; displayName: string; email: string },
) {
  if (!USER_ROLES.includes(input.role)) {
    throw Refusal.invalidField('role', 'unknown_role', `Rôle inconnu : ${input.role}.`);
  }
  const operator = await db
    .selectFrom('operators')
    .select('id')
    .where('id', '=', input.operatorId)
    .executeTakeFirst();
  if (!operator) throw Refusal.notFound('operator_not_found', `Aucun organisme ${input.operatorId}.`);
  const exists = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', input.email)
    .executeTakeFirst();
  if (exists) throw Refusal.conflict('user_exists', `Un utilisateur a déjà l’adresse ${input.email}.`);
  const id = randomUUID();
  await db
    .insertInto('users')
    .values({
      id,
      operator_id: input.operatorId,
      role: input.role,
      display_name: input.displayName,
      email: input.email,
    })
    .execute();
  return {
    id,
    operatorId: input.operatorId,
    role: input.role,
    displayName: input.displayName,
    email: input.email,
  };
}
