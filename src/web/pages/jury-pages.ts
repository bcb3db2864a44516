import type { Request, Response } from 'express';
import { callerOf } from '../../api/access.js';
import { listMembers } from '../../app/jury/members/list-members.js';
import { getSession, listSessions } from '../../app/jury/sessions/session-actions.js';
import { Refusal } from '../../app/refusal.js';
import { SESSION_STATUS_LABELS, type SessionStatus } from '../../domain/jury/session-state.js';
import { OUTCOME_LABELS } from '../../notifications/labels.js';
import { webUserOf } from '../auth/middleware.js';
import type { WebDeps } from '../deps.js';
import { html } from '../html.js';
import {
  badge,
  dateTime,
  pagination,
  queryValue,
  sendError,
  sendNotFound,
  sendPage,
  table,
} from './components.js';
import { JURY_MODALITY_LABELS } from './labels.js';
import { certificationTitles } from './shared.js';

/**
 * The jury organiser's pages, read-only: the operator's pool and its sessions (`GET /jury`), one
 * session with its members, candidacies, results and cost (`GET /jury/sessions/:id`). The API's
 * use cases and access rules (a jury organiser sees their own operator's pool and sessions).
 */

const PAGE_SIZE = 50;

const euros = (cents: number | null) =>
  cents === null ? '—' : (cents / 100).toLocaleString('fr-FR', { style: 'currency', currency: 'EUR' });

const sessionStatus = (s: string) => SESSION_STATUS_LABELS[s as SessionStatus] ?? s;

const MEMBER_STATUS: Record<string, string> = {
  invited: 'Invité',
  pending: 'Invité',
  accepted: 'Accepté',
  declined: 'Refusé',
  expired: 'Sans réponse dans le délai',
  withdrawn: 'Retiré',
};

const CANDIDATE_STATUS: Record<string, string> = {
  reserved: 'Réservée',
  enrolled: 'Convoquée',
  refused: 'Refusée par la candidature',
  released: 'Libérée',
  result_recorded: 'Résultat enregistré',
};

const ATTENDANCE: Record<string, string> = { present: 'Présent', absent: 'Absent', excused: 'Excusé' };

function onlyOrganisers(res: Response): boolean {
  const { user } = webUserOf(res);
  if (user.role === 'jury_organiser') return true;
  sendError(
    res,
    403,
    'Accès réservé',
    'Les jurys se consultent ici par les organisateurs de jury (le vivier et les sessions de leur organisme).',
  );
  return false;
}

/** `GET /jury`: the sessions (soonest first) and the pool of the organiser's operator. */
export async function juryPage(deps: WebDeps, req: Request, res: Response): Promise<void> {
  if (!onlyOrganisers(res)) return;
  const caller = callerOf(webUserOf(res).user);
  const offset = Math.min(Math.max(0, Math.floor(Number(queryValue(req.query.offset) ?? 0)) || 0), 100_000);
  const [sessions, pool, titles] = await Promise.all([
    listSessions(deps.db, caller, { limit: 100, offset: 0 }),
    listMembers(deps.db, caller, { limit: PAGE_SIZE, offset }),
    certificationTitles(deps.db),
  ]);
  sendPage(res, 200, {
    title: 'Jurys',
    current: '/jury',
    breadcrumb: [{ label: 'Accueil', href: '/' }, { label: 'Jurys' }],
    main: html`<h1>Jurys</h1>
      <section class="fr-mb-5w" aria-labelledby="sessions-titre">
        <h2 id="sessions-titre">Sessions de jury</h2>
        ${table({
          caption: `Sessions de votre organisme, les plus proches d’abord : ${sessions.total}`,
          head: ['Session', 'Certification', 'Modalité', 'Statut', 'Coût'],
          rowHeaders: true,
          rows: sessions.items.map((s) => [
            html`<a href="/jury/sessions/${s.id}">Session du ${dateTime(s.startsAt)}</a>`,
            `${s.rncpCode} — ${titles.get(s.rncpCode) ?? ''}`,
            JURY_MODALITY_LABELS[s.modality as 'on_site' | 'remote'] ?? s.modality,
            sessionStatus(s.status),
            euros(s.costCents),
          ]),
          empty: 'Aucune session de jury.',
        })}
      </section>
      <section class="fr-mb-5w" aria-labelledby="vivier-titre">
        <h2 id="vivier-titre">Vivier de jurés</h2>
        ${table({
          caption: `Membres du vivier : ${pool.total}`,
          head: [
            'Membre',
            'Profil',
            'Certifications évaluées',
            'À distance',
            'Département',
            'Vacation',
            'Plafond annuel',
            'Statut',
          ],
          rowHeaders: true,
          rows: pool.items.map((m) => [
            m.displayName,
            m.profile === 'professional' ? 'Professionnel' : 'Formateur',
            m.qualifications
              .map((q) => `${q.rncpCode}${q.blockCodes === 'all' ? '' : ` (${q.blockCodes.join(', ')})`}`)
              .join(' ; '),
            m.remote ? 'Oui' : 'Non',
            m.homeDepartement ?? '—',
            euros(m.feeCents),
            m.yearlyCap,
            m.active ? badge('Actif', 'fr-badge--success') : badge('Inactif'),
          ]),
          empty: 'Aucun membre dans le vivier.',
        })}
        ${pagination('/jury', {}, { offset, limit: PAGE_SIZE, total: pool.total })}
      </section>`,
  });
}

/** `GET /jury/sessions/:id`: members and their answers, candidacies and results grid, cost, journal. */
export async function jurySessionPage(deps: WebDeps, req: Request, res: Response): Promise<void> {
  if (!onlyOrganisers(res)) return;
  const caller = callerOf(webUserOf(res).user);
  const id = String(req.params.id);
  if (!/^[0-9a-f-]{36}$/i.test(id)) return sendNotFound(res);
  let session;
  try {
    session = await getSession(deps.db, deps.temporal, caller, id);
  } catch (err) {
    if (err instanceof Refusal && err.kind === 'not_found') return sendNotFound(res, err.message);
    throw err;
  }
  const title = `Session de jury du ${dateTime(session.startsAt)}`;
  sendPage(res, 200, {
    title,
    current: '/jury',
    breadcrumb: [{ label: 'Accueil', href: '/' }, { label: 'Jurys', href: '/jury' }, { label: title }],
    main: html`<h1>${title}</h1>
      <p>Statut : ${badge(sessionStatus(session.status), 'fr-badge--info')}</p>
      <ul>
        <li>Certification : ${session.rncpCode}</li>
        <li>
          Modalité : ${JURY_MODALITY_LABELS[session.modality as 'on_site' | 'remote'] ?? session.modality}
          ${session.place ? html` — ${session.place}` : null}
        </li>
        <li>Fin : ${dateTime(session.endsAt)}</li>
        ${
          session.live?.compositionDeadlineAt
            ? html`<li>Composition au plus tard le ${dateTime(session.live.compositionDeadlineAt)}</li>`
            : null
        }
      </ul>
      <section class="fr-mb-5w" aria-labelledby="membres-titre">
        <h2 id="membres-titre">Membres du jury</h2>
        ${table({
          caption: 'Membres invités et leur réponse',
          head: ['Membre', 'Réponse', 'Président', 'Vacation', 'Déplacement', 'Présence'],
          rowHeaders: true,
          rows: session.members.map((m) => [
            m.name,
            MEMBER_STATUS[m.status] ?? m.status,
            m.president ? 'Oui' : 'Non',
            euros(m.feeCents),
            euros(m.travelCents),
            m.attendance ? (ATTENDANCE[m.attendance] ?? m.attendance) : '—',
          ]),
          empty: 'Aucun membre.',
        })}
      </section>
      <section class="fr-mb-5w" aria-labelledby="resultats-titre">
        <h2 id="resultats-titre">Candidatures et résultats</h2>
        ${table({
          caption: 'Grille des résultats',
          head: ['Candidature', 'Statut', 'Résultat', 'Blocs validés'],
          rowHeaders: true,
          rows: session.candidacies.map((c) => [
            html`<a href="/candidatures/${c.candidacyId}">Candidature n° ${c.candidacyId.slice(0, 8)}</a>`,
            CANDIDATE_STATUS[c.status] ?? c.status,
            c.outcome ? (OUTCOME_LABELS[c.outcome as keyof typeof OUTCOME_LABELS] ?? c.outcome) : '—',
            c.validatedBlocks.length ? c.validatedBlocks.join(', ') : '—',
          ]),
          empty: 'Aucune candidature.',
        })}
      </section>
      <section class="fr-mb-5w" aria-labelledby="cout-titre">
        <h2 id="cout-titre">Coût</h2>
        <ul>
          <li>Total : ${euros(session.cost.totalCents)}</li>
          <li>Par candidat examiné : ${euros(session.cost.perCandidateCents)}</li>
          <li>Par bloc validé : ${euros(session.cost.perValidatedBlockCents)}</li>
        </ul>
      </section>
      <section class="fr-mb-5w" aria-labelledby="journal-titre">
        <h2 id="journal-titre">Journal de la session</h2>
        ${table({
          caption: 'Journal de la session',
          className: 'fr-table--no-caption',
          head: ['Date', 'Événement'],
          rows: session.events.map((e) => [dateTime(e.occurredAt), e.summary]),
          empty: 'Aucun événement.',
        })}
      </section>`,
  });
}
