import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AuthenticatedUser } from '../auth.js';
import { HttpError } from '../problem.js';

/**
 * Who administers reference data: administrators everything, a project lead their own projects
 * (and reads the certification catalogue they choose from), anyone else 403; an unknown project 404.
 */
export function requireAdministrator(user: AuthenticatedUser, what: string): void {
  if (user.role !== 'administrator') {
    throw new HttpError(403, 'role_not_allowed', `Réservé aux administrateurs : ${what}.`);
  }
}

export function requireAdministratorOrLead(user: AuthenticatedUser, what: string): void {
  if (user.role !== 'administrator' && user.role !== 'project_lead') {
    throw new HttpError(
      403,
      'role_not_allowed',
      `Réservé aux administrateurs et aux porteurs de projet : ${what}.`,
    );
  }
}

/**
 * The project, if the caller administers it: 403 for other roles, 404 if unknown, 403 if led by
 * someone else. The one place of that rule (policy, e-mail failures, reference data).
 */
export async function loadAdministeredProject(
  db: Kysely<Database>,
  user: AuthenticatedUser,
  id: string,
  what = 'la politique d’un projet',
) {
  requireAdministratorOrLead(user, what);
  const project = await db
    .selectFrom('projects')
    .select(['id', 'name', 'lead_user_id', 'policy'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!project) throw new HttpError(404, 'project_not_found', `Aucun projet ${id}.`);
  if (user.role !== 'administrator' && project.lead_user_id !== user.id) {
    throw new HttpError(
      403,
      'project_not_led',
      `Vous n’êtes pas le porteur de ce projet : seuls son porteur et les administrateurs y ont accès (${what}).`,
    );
  }
  return project;
}
