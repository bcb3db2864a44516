import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { Refusal } from '../../refusal.js';

/** The unique index of an e-mail address in a pool (migration 0009): operator, lower-cased address. */
const EMAIL_INDEX = 'jury_members_operator_email_uq';

/** A write refused by the pool's unique e-mail index (its detail, which quotes the address, is dropped). */
export function isEmailTaken(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === EMAIL_INDEX;
}

/**
 * The refusal of an address already used in the pool, with the member who has it (the caller
 * manages that pool). The address itself is not repeated.
 */
export async function emailTaken(db: Kysely<Database>, operatorId: string, email: string): Promise<Refusal> {
  const other = await db
    .selectFrom('jury_members')
    .select('id')
    .where('operator_id', '=', operatorId)
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return Refusal.conflict(
    'jury_member_email_taken',
    'Un membre de ce vivier a déjà cette adresse e-mail : chaque membre a la sienne.',
    other ? { memberId: other.id } : {},
  );
}
