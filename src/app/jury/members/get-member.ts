import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Caller } from '../../../domain/access.js';
import type { JuryMember } from './member.js';
import { loadManagedMember } from './pool-access.js';

/**
 * One member of a pool the caller manages.
 *
 * Refusals: `role_not_allowed` (forbidden), `jury_member_not_found` (not found, also for a member
 * of another operator's pool).
 */
export async function getMember(db: Kysely<Database>, caller: Caller, id: string): Promise<JuryMember> {
  return loadManagedMember(db, caller, id);
}
