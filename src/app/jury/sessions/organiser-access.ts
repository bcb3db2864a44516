import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Caller } from '../../../domain/access.js';
import { resolvePolicy } from '../../../domain/policy.js';
import { Refusal } from '../../refusal.js';

/** Planning and sessions are the jury organisers' (their project is checked with the body). */
export function assertJuryOrganiser(caller: Caller): void {
  if (caller.role !== 'jury_organiser') {
    throw Refusal.forbidden('role_not_allowed', 'Réservé aux organisateurs de jury.');
  }
}

/** The jury organiser of an operator working in the project (the organisation role). */
export async function assertOrganisesJuries(db: Kysely<Database>, caller: Caller, projectId: string) {
  assertJuryOrganiser(caller);
  const project = await db
    .selectFrom('projects')
    .select(['id', 'policy'])
    .where('id', '=', projectId)
    .executeTakeFirst();
  if (!project) throw Refusal.notFound('project_not_found', 'Projet inconnu.');
  const holds = await db
    .selectFrom('project_operators')
    .select('operator_id')
    .where('project_id', '=', projectId)
    .where('operator_id', '=', caller.operatorId)
    .where('role', '=', 'jury_organisation')
    .executeTakeFirst();
  if (!holds) {
    throw Refusal.forbidden(
      'operator_not_in_charge',
      'Votre organisme n’organise pas les jurys de ce projet.',
    );
  }
  return resolvePolicy(project.policy);
}
