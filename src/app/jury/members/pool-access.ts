import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Caller } from '../../../domain/access.js';
import { Refusal } from '../../refusal.js';
import { toJuryMember, type JuryMember, type JuryMemberRow } from './member.js';

/**
 * Who manages a jury pool. A pool belongs to an operator: a jury organiser manages the pool of
 * their own operator (reads and writes); an administrator any pool, naming the operator where a
 * request concerns a whole pool (`operatorId`: the list, a creation) — a member's own routes find
 * the pool from the member. Anyone else is refused. A member of another pool is « not found » to a
 * jury organiser, so that the existence of other operators' members is not revealed.
 */
export function assertManagesPools(caller: Caller): void {
  if (caller.role !== 'jury_organiser' && caller.role !== 'administrator') {
    throw Refusal.forbidden(
      'role_not_allowed',
      'Réservé aux organisateurs de jury (le vivier de leur organisme) et aux administrateurs.',
    );
  }
}

/**
 * The operator whose pool the request concerns: the jury organiser's own (naming another is
 * refused), the one an administrator names (required, and must exist).
 *
 * Refusals: `role_not_allowed`, `operator_not_in_charge` (forbidden); `operator_required`,
 * `unknown_operator` (invalid, naming `field`).
 */
export async function poolOperatorOf(
  db: Kysely<Database>,
  caller: Caller,
  named: string | undefined,
  field: string,
): Promise<string> {
  assertManagesPools(caller);
  if (caller.role === 'jury_organiser') {
    if (named !== undefined && named !== caller.operatorId) {
      throw Refusal.forbidden(
        'operator_not_in_charge',
        'Un organisateur de jury ne gère que le vivier de jurés de son organisme.',
      );
    }
    return caller.operatorId;
  }
  const label = field.replace(/^(body|query)\./, '');
  if (named === undefined) {
    throw Refusal.invalidField(
      field,
      'operator_required',
      `Le champ ${label} (organisme propriétaire du vivier) est obligatoire pour un administrateur.`,
    );
  }
  const found = await db.selectFrom('operators').select('id').where('id', '=', named).executeTakeFirst();
  if (!found) {
    throw Refusal.invalidField(
      field,
      'unknown_operator',
      `Le champ ${label} (organisme propriétaire du vivier) ne désigne aucun organisme connu.`,
    );
  }
  return named;
}

export function memberNotFound(id: string): Refusal {
  return Refusal.notFound('jury_member_not_found', `Aucun membre de jury ${id} dans votre vivier.`);
}

/**
 * The member's row if the caller manages its pool.
 *
 * Refusals: `role_not_allowed` (forbidden), `jury_member_not_found` (not found: unknown, or of
 * another operator's pool for a jury organiser).
 */
export async function loadManagedMemberRow(
  db: Kysely<Database>,
  caller: Caller,
  id: string,
): Promise<JuryMemberRow> {
  assertManagesPools(caller);
  let query = db.selectFrom('jury_members').selectAll().where('id', '=', id);
  if (caller.role !== 'administrator') query = query.where('operator_id', '=', caller.operatorId);
  const row = await query.executeTakeFirst();
  if (!row) throw memberNotFound(id);
  return row;
}

/** `loadManagedMemberRow`, as the use cases answer it. */
export async function loadManagedMember(
  db: Kysely<Database>,
  caller: Caller,
  id: string,
): Promise<JuryMember> {
  return toJuryMember(await loadManagedMemberRow(db, caller, id));
}
