import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Caller } from '../../../domain/access.js';
import { toJuryMember, type JuryMember } from './member.js';
import { loadManagedMemberRow } from './pool-access.js';

/**
 * Takes a member out of the pool for new juries: never deleted, since sessions refer to their
 * members. Deactivating an inactive member changes nothing (idempotent).
 *
 * Refusals: `role_not_allowed` (forbidden), `jury_member_not_found` (not found).
 */
export async function deactivateMember(
  db: Kysely<Database>,
  caller: Caller,
  id: string,
): Promise<JuryMember> {
  const row = await loadManagedMemberRow(db, caller, id);
  if (!row.active) return toJuryMember(row);
  const updated = await db
    .updateTable('jury_members')
    .set({ active: false, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toJuryMember(updated);
}
