import { sql, type Kysely, type Updateable } from 'kysely';
import type { Database, JuryMembersTable } from '../../../db/schema.js';
import type { Caller } from '../../../domain/access.js';
import { checkMemberReferences } from './check-references.js';
import { emailTaken, isEmailTaken } from './email-taken.js';
import {
  normalisedAvailability,
  rncpCodesOf,
  toJuryMember,
  type JuryMember,
  type JuryMemberPatch,
} from './member.js';
import { loadManagedMemberRow } from './pool-access.js';

/**
 * Changes what is given of a member (PATCH): the other fields stay; in `ties` and `availability`
 * each list given replaces the stored one. The pool a member belongs to does not change. Without
 * optimistic concurrency, as the other routes: the last change wins, field by field.
 *
 * Refusals: `role_not_allowed` (forbidden), `jury_member_not_found` (not found),
 * `checkMemberReferences`' (invalid), `jury_member_email_taken` (conflict).
 */
export async function updateMember(
  db: Kysely<Database>,
  caller: Caller,
  id: string,
  patch: JuryMemberPatch,
): Promise<JuryMember> {
  const row = await loadManagedMemberRow(db, caller, id);
  await checkMemberReferences(db, patch);
  const set: Updateable<JuryMembersTable> = {};
  if (patch.displayName !== undefined) set.display_name = patch.displayName;
  if (patch.email !== undefined) set.email = patch.email;
  if (patch.profile !== undefined) set.profile = patch.profile;
  if (patch.gender !== undefined) set.gender = patch.gender;
  if (patch.qualifications !== undefined) {
    set.qualifications = JSON.stringify(patch.qualifications);
    set.rncp_codes = rncpCodesOf(patch.qualifications);
  }
  if (patch.ties?.employers !== undefined) set.tie_employers = patch.ties.employers;
  if (patch.ties?.operatorIds !== undefined) set.tie_operator_ids = patch.ties.operatorIds;
  if (patch.ties?.userIds !== undefined) set.tie_user_ids = patch.ties.userIds;
  if (patch.availability?.weekly !== undefined || patch.availability?.unavailableDates !== undefined) {
    const current = toJuryMember(row).availability;
    set.availability = JSON.stringify(
      normalisedAvailability({
        weekly: patch.availability.weekly ?? current.weekly,
        unavailableDates: patch.availability.unavailableDates ?? current.unavailableDates,
      }),
    );
  }
  if (patch.remote !== undefined) set.remote = patch.remote;
  if (patch.homeDepartement !== undefined) set.home_departement = patch.homeDepartement;
  if (patch.feeCents !== undefined) set.fee_cents = patch.feeCents;
  if (patch.travelCents !== undefined) set.travel_cents = patch.travelCents;
  if (patch.yearlyCap !== undefined) set.yearly_cap = patch.yearlyCap;
  if (Object.keys(set).length === 0) return toJuryMember(row);
  try {
    const updated = await db
      .updateTable('jury_members')
      .set({ ...set, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toJuryMember(updated);
  } catch (err) {
    if (isEmailTaken(err)) throw await emailTaken(db, row.operator_id, patch.email ?? row.email);
    throw err;
  }
}
