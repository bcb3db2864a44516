import type { Response } from 'express';
import { SESSION_STATUS_LABELS, type SessionStatus } from '../../../domain/jury/session-state.js';
import { webUserOf } from '../../auth/middleware.js';
import { sendError } from '../components.js';

/** Words and amounts of the jury pages, and who may open them. */

export const euros = (cents: number | null | undefined) =>
  cents === null || cents === undefined
    ? '—'
    : (cents / 100).toLocaleString('fr-FR', { style: 'currency', currency: 'EUR' });

export const sessionStatusLabel = (s: string) => SESSION_STATUS_LABELS[s as SessionStatus] ?? s;

export const MEMBER_STATUS_LABELS: Record<string, string> = {
  invited: 'Invité',
  pending: 'Invité',
  accepted: 'Accepté',
  declined: 'Refusé',
  expired: 'Sans réponse dans le délai',
  withdrawn: 'Retiré',
};

export const SESSION_CANDIDATE_STATUS_LABELS: Record<string, string> = {
  reserved: 'Réservée',
  enrolled: 'Convoquée',
  refused: 'Refusée par la candidature',
  released: 'Libérée',
  result_recorded: 'Résultat enregistré',
};

export const ATTENDANCE_LABELS: Record<string, string> = {
  present: 'Présent',
  absent: 'Absent',
  excused: 'Excusé',
};

/**
 * The jury pages are the jury organisers' (pool, planner, sessions) and, for the sessions of the
 * projects they certify, the certifiers' (they enter the results grid). Others get a 403 page.
 */
export function juryRolesOnly(
  res: Response,
  roles: readonly string[] = ['jury_organiser', 'certifier'],
): boolean {
  const { user } = webUserOf(res);
  if (roles.includes(user.role)) return true;
  sendError(
    res,
    403,
    'Accès réservé',
    roles.includes('certifier')
      ? 'Les jurys se consultent ici par les organisateurs de jury et, pour saisir les résultats, par les certificateurs.'
      : 'Réservé aux organisateurs de jury (le vivier, la planification et les sessions de leur organisme).',
  );
  return false;
}

/** The solver's status (HiGHS's words) as the organiser reads it. */
export function solverStatusLabel(status: string): string {
  if (status === 'Optimal') return 'optimale (à l’écart de 1 % près au plus)';
  if (/time limit/i.test(status))
    return 'limite de temps atteinte : la meilleure proposition trouvée, chaque règle respectée';
  return status;
}
