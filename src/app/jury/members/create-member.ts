import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Caller } from '../../../domain/access.js';
import { checkMemberReferences } from './check-references.js';
import { emailTaken, isEmailTaken } from './email-taken.js';
import {
  normalisedAvailability,
  rncpCodesOf,
  toJuryMember,
  type JuryMember,
  type NewJuryMember,
} from './member.js';
import { poolOperatorOf } from './pool-access.js';

/**
 * Adds a member to a pool: the jury organiser's operator's, or the one an administrator names
 * (`operatorId`).
 *
 * Refusals: `poolOperatorOf`'s; `checkMemberReferences`' (invalid); `jury_member_email_taken`
 * when the pool has a member with this address, case aside (conflict).
 */
export async function createMember(
  db: Kysely<Database>,
  caller: Caller,
  input: NewJuryMember & { operatorId?: string | undefined },
): Promise<JuryMember> {
  const operatorId = await poolOperatorOf(db, caller, input.operatorId, 'body.operatorId');
  await checkMemberReferences(db, input);
  try {
    const row = await db
      .insertInto('jury_members')
      .values({
        id: randomUUID(),
        operator_id: operatorId,
        display_name: input.displayName,
        email: input.email,
        profile: input.profile,
        gender: input.gender,
        rncp_codes: rncpCodesOf(input.qualifications),
        qualifications: JSON.stringify(input.qualifications),
        tie_employers: input.ties.employers,
        tie_operator_ids: input.ties.operatorIds,
        tie_user_ids: input.ties.userIds,
        availability: JSON.stringify(normalisedAvailability(input.availability)),
        remote: input.remote,
        home_departement: input.homeDepartement,
        fee_cents: input.feeCents,
        travel_cents: input.travelCents,
        yearly_cap: input.yearlyCap,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toJuryMember(row);
  } catch (err) {
    if (isEmailTaken(err)) throw await emailTaken(db, operatorId, input.email);
    throw err;
  }
}
