import type { Response } from 'express';
import type { Kysely } from 'kysely';
import { HttpError } from '../../api/problem.js';
import { loadAdministeredProject } from '../../api/reference/access.js';
import type { Database } from '../../db/schema.js';
import { webUserOf } from '../auth/middleware.js';
import { html, type Html } from '../html.js';
import { badge, sendError, sendNotFound } from './components.js';
import { operatorRoleLabel, phaseBadgeClass, phaseLabel } from './labels.js';

/** Names of the operators, by id (a small table: read whole for a page). */
export async function operatorNames(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('operators').select(['id', 'name']).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** « Le candidat », « Personne », « Point Relais Conseil VAE (information et conseil) », « Votre organisme (…) ». */
export function waitingOnLabel(key: string, names: Map<string, string>, myOperatorId?: string): string {
  if (key === 'candidate') return 'Le candidat';
  if (key === 'nobody') return 'Personne (parcours clos)';
  const sep = key.indexOf(':');
  if (sep < 0) return key;
  const role = key.slice(0, sep);
  const operatorId = key.slice(sep + 1);
  const name = names.get(operatorId) ?? operatorId;
  return operatorId === myOperatorId
    ? `Votre organisme (${name}, ${operatorRoleLabel(role)})`
    : `${name} (${operatorRoleLabel(role)})`;
}

/** How a candidacy is named to the user: the candidate's name when they may see it, else its short id. */
export function candidacyName(item: {
  id: string;
  candidate?: { firstName?: string | undefined; lastName?: string | undefined };
}): string {
  return item.candidate?.firstName !== undefined
    ? `${item.candidate.firstName} ${item.candidate.lastName ?? ''}`.trim()
    : `Candidature n° ${item.id.slice(0, 8)}`;
}

export function candidacyLink(item: {
  id: string;
  candidate?: { firstName: string; lastName: string };
}): Html {
  return html`<a href="/candidatures/${item.id}">${candidacyName(item)}</a>`;
}

export function phaseBadge(phase: string): Html {
  return badge(phaseLabel(phase), phaseBadgeClass(phase));
}

/** The certifications' titles, by RNCP code. */
export async function certificationTitles(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('certifications').select(['rncp_code', 'title']).execute();
  return new Map(rows.map((r) => [r.rncp_code, r.title]));
}

/**
 * The project of `id` if the signed-in user administers it (the API's rule, ../../api/reference/access.ts),
 * or null with the error page already sent: 404 for an id that is none or a project that does not
 * exist, the console's 403 page (« Accès réservé », with the API's sentence naming `what`) otherwise.
 */
export async function administeredProjectPage(
  db: Kysely<Database>,
  res: Response,
  id: string,
  what: string,
): Promise<Awaited<ReturnType<typeof loadAdministeredProject>> | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) {
    sendNotFound(res);
    return null;
  }
  try {
    return await loadAdministeredProject(db, webUserOf(res).user, id, what);
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    if (err.status === 404) sendNotFound(res, 'Ce projet n’existe pas.');
    else sendError(res, err.status, 'Accès réservé', err.detail);
    return null;
  }
}
