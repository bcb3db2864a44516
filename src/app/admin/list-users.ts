import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** Every user, oldest first. */
export async function listUsers(db: Kysely<Database>) {
  const rows = await db.selectFrom('users').selectAll().orderBy('created_at').execute();
  return rows.map((u) => ({
    id: u.id,
    operatorId: u.operator_id,
    role: u.role,
    displayName: u.display_name,
    email: u.email,
  }));
}
