import type { Request, Response } from 'express';
import { callerOf } from '../../../api/access.js';
import { REFUSAL_STATUS } from '../../../api/errors.js';
import { blocksPresented } from '../../../app/jury/sessions/grid-blocks.js';
import {
  cancelJurySession,
  getSession,
  recordSessionResults,
  withdrawSessionMember,
} from '../../../app/jury/sessions/session-actions.js';
import { Refusal } from '../../../app/refusal.js';
import type { ResultsGrid } from '../../../workflows/jury-session/contract.js';
import { OUTCOME_LABELS } from '../../../notifications/labels.js';
import { webUserOf } from '../../auth/middleware.js';
import type { WebDeps } from '../../deps.js';
import { html, type Html } from '../../html.js';
import { alert, badge, dateTime, sendNotFound, sendPage, table } from '../components.js';
import { formValuesOf, type FormValues } from '../forms/schema-form.js';
import { JURY_MODALITY_LABELS } from '../labels.js';
import {
  ATTENDANCE_LABELS,
  euros,
  juryRolesOnly,
  MEMBER_STATUS_LABELS,
  SESSION_CANDIDATE_STATUS_LABELS,
  sessionStatusLabel,
} from './jury-labels.js';
import { parseResultsGrid, renderResultsGrid, type GridErrors, type GridRows } from './results-grid.js';

/**
 * `GET /jury/sessions/:id`: a session — members and their answers, candidacies and results, cost,
 * journal — with what the user may do now: the organiser cancels it or records a member's
 * withdrawal (a replacement is invited); once held, the organiser or the project's certifier
 * enters the results grid. Each POST calls the API's use case; a refusal shows its French sentence.
 */

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const FLASH: Record<string, string> = {
  creation: 'Session créée : ses membres sont invités par courriel.',
  annulation: 'Session annulée : ses candidatures reviennent en attente de jury, leurs délais intacts.',
  desistement: 'Désistement enregistré : le meilleur remplaçant possible est invité.',
  resultats: 'Grille enregistrée : chaque candidature a reçu son résultat.',
};

interface PageState {
  status: number;
  refusal?: string;
  grid?: { values: FormValues; errors: GridErrors };
}

type Session = Awaited<ReturnType<typeof getSession>>;

async function load(deps: WebDeps, res: Response, id: string): Promise<Session | null> {
  if (!ID.test(id)) {
    sendNotFound(res);
    return null;
  }
  try {
    return await getSession(deps.db, deps.temporal, callerOf(webUserOf(res).user), id);
  } catch (err) {
    if (err instanceof Refusal && err.kind === 'not_found') {
      sendNotFound(res, err.message);
      return null;
    }
    throw err;
  }
}

async function gridRows(deps: WebDeps, session: Session): Promise<GridRows> {
  const convened = session.candidacies.filter((c) => c.status === 'enrolled');
  const blocks = await blocksPresented(
    deps.db,
    convened.map((c) => c.candidacyId),
  );
  return {
    candidacies: convened.map((c) => ({
      candidacyId: c.candidacyId,
      label: `Candidature n° ${c.candidacyId.slice(0, 8)}`,
      blocks: blocks.get(c.candidacyId) ?? [],
    })),
    members: session.members
      .filter((m) => m.status === 'accepted')
      .map((m) => ({ memberId: m.memberId, name: m.name })),
  };
}

export async function jurySessionPage(deps: WebDeps, req: Request, res: Response): Promise<void> {
  if (!juryRolesOnly(res)) return;
  const session = await load(deps, res, String(req.params.id));
  if (!session) return;
  await render(deps, req, res, session, { status: 200 });
}

/** Runs one of the session's actions, then 303 to its page with a message, or the page with the refusal. */
async function act(
  deps: WebDeps,
  req: Request,
  res: Response,
  roles: string[],
  run: (session: Session) => Promise<unknown>,
  flash: string,
): Promise<void> {
  if (!juryRolesOnly(res, roles)) return;
  const session = await load(deps, res, String(req.params.id));
  if (!session) return;
  try {
    await run(session);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    return render(deps, req, res, session, { status: REFUSAL_STATUS[err.kind], refusal: err.message });
  }
  res.redirect(303, `/jury/sessions/${session.id}?ok=${flash}`);
}

export function cancelSessionFromForm(deps: WebDeps, req: Request, res: Response) {
  return act(
    deps,
    req,
    res,
    ['jury_organiser'],
    (s) => cancelJurySession(deps.db, deps.temporal, callerOf(webUserOf(res).user), s.id),
    'annulation',
  );
}

export function withdrawMemberFromForm(deps: WebDeps, req: Request, res: Response) {
  const memberId = String(req.params.memberId);
  return act(
    deps,
    req,
    res,
    ['jury_organiser'],
    async (s) => {
      if (!s.members.some((m) => m.memberId === memberId)) {
        throw Refusal.notFound('member_not_in_session', 'Ce membre ne fait pas partie de cette session.');
      }
      await withdrawSessionMember(deps.db, deps.temporal, callerOf(webUserOf(res).user), s.id, memberId);
    },
    'desistement',
  );
}

export async function resultsFromForm(deps: WebDeps, req: Request, res: Response): Promise<void> {
  if (!juryRolesOnly(res)) return;
  const session = await load(deps, res, String(req.params.id));
  if (!session) return;
  const values = formValuesOf(req.body);
  const parsed = parseResultsGrid(await gridRows(deps, session), values);
  if (!parsed.ok) {
    return render(deps, req, res, session, { status: 400, grid: { values, errors: parsed.errors } });
  }
  try {
    await recordSessionResults(
      deps.db,
      deps.temporal,
      callerOf(webUserOf(res).user),
      session.id,
      parsed.body as Omit<ResultsGrid, 'actor'>,
    );
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    return render(deps, req, res, session, {
      status: REFUSAL_STATUS[err.kind],
      refusal: err.message,
      grid: { values, errors: {} },
    });
  }
  res.redirect(303, `/jury/sessions/${session.id}?ok=resultats`);
}

async function render(
  deps: WebDeps,
  req: Request,
  res: Response,
  session: Session,
  state: PageState,
): Promise<void> {
  const { user, csrf } = webUserOf(res);
  const organiser = user.role === 'jury_organiser';
  const open = !['cancelled', 'closed', 'held'].includes(session.status);
  const held = session.status === 'held';
  const rows = held ? await gridRows(deps, session) : null;
  const ok = typeof req.query.ok === 'string' ? FLASH[req.query.ok] : undefined;
  const title = `Session de jury du ${dateTime(session.startsAt)}`;
  const refusalCodes = new Map(session.candidacies.map((c) => [c.candidacyId, c.refusalCode]));

  const withdrawButton = (m: Session['members'][number]): Html | string =>
    organiser && open && (m.status === 'accepted' || m.status === 'invited')
      ? html`<form method="post" action="/jury/sessions/${session.id}/membres/${m.memberId}/desistement">
          <input type="hidden" name="_csrf" value="${csrf}" />
          <button class="fr-btn fr-btn--tertiary fr-btn--sm" type="submit">
            Enregistrer le désistement de ${m.name}
          </button>
        </form>`
      : '—';

  sendPage(res, state.status, {
    title,
    current: '/jury',
    breadcrumb: [{ label: 'Accueil', href: '/' }, { label: 'Jurys', href: '/jury' }, { label: title }],
    flash: ok && state.status === 200 ? { kind: 'success', text: ok } : null,
    main: html`<h1>${title}</h1>
      ${state.refusal ? alert('error', state.refusal, 'Action refusée') : null}
      <p>Statut : ${badge(sessionStatusLabel(session.status), 'fr-badge--info')}</p>
      <ul>
        <li>Certification : ${session.rncpCode}</li>
        <li>
          Modalité : ${JURY_MODALITY_LABELS[session.modality as 'on_site' | 'remote'] ?? session.modality}
          ${session.place ? html` — ${session.place}` : null}
        </li>
        ${session.roomUrl ? html`<li>Salle virtuelle : ${session.roomUrl}</li>` : null}
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
          head: ['Membre', 'Réponse', 'Président', 'Vacation', 'Déplacement', 'Présence', 'Action'],
          rowHeaders: true,
          rows: session.members.map((m) => [
            m.name,
            MEMBER_STATUS_LABELS[m.status] ?? m.status,
            m.president ? 'Oui' : 'Non',
            euros(m.feeCents),
            euros(m.travelCents),
            m.attendance ? (ATTENDANCE_LABELS[m.attendance] ?? m.attendance) : '—',
            withdrawButton(m),
          ]),
          empty: 'Aucun membre.',
        })}
      </section>
      <section class="fr-mb-5w" aria-labelledby="resultats-titre">
        <h2 id="resultats-titre">Candidatures et résultats</h2>
        ${table({
          caption: 'Candidatures de la session',
          head: ['Candidature', 'Statut', 'Résultat', 'Blocs validés'],
          rowHeaders: true,
          rows: session.candidacies.map((c) => [
            html`<a href="/candidatures/${c.candidacyId}">Candidature n° ${c.candidacyId.slice(0, 8)}</a>`,
            `${SESSION_CANDIDATE_STATUS_LABELS[c.status] ?? c.status}${
              refusalCodes.get(c.candidacyId) ? ` (${refusalCodes.get(c.candidacyId)})` : ''
            }`,
            c.outcome ? (OUTCOME_LABELS[c.outcome as keyof typeof OUTCOME_LABELS] ?? c.outcome) : '—',
            c.validatedBlocks.length ? c.validatedBlocks.join(', ') : '—',
          ]),
          empty: 'Aucune candidature.',
        })}
        ${
          rows && rows.candidacies.length
            ? html`<h3>Saisir la grille des résultats</h3>
                <p>
                  Pour chaque candidat convoqué : le résultat et les blocs validés. Chaque candidature vérifie
                  son résultat (tous les blocs pour une validation totale, aucun pour un refus ou une
                  absence).
                </p>
                ${renderResultsGrid({
                  action: `/jury/sessions/${session.id}/resultats`,
                  csrf,
                  rows,
                  ...(state.grid ? { values: state.grid.values, errors: state.grid.errors } : {}),
                })}`
            : null
        }
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
      </section>
      ${
        organiser && open
          ? html`<section class="fr-mb-5w" aria-labelledby="annuler-titre">
              <h2 id="annuler-titre">Annuler la session</h2>
              <p>
                Les membres et les candidats sont prévenus ; les candidatures reviennent en attente de jury,
                leur échéance des 3 mois inchangée.
              </p>
              <form method="post" action="/jury/sessions/${session.id}/annulation">
                <input type="hidden" name="_csrf" value="${csrf}" />
                <button class="fr-btn fr-btn--secondary" type="submit">Annuler la session</button>
              </form>
            </section>`
          : null
      }`,
  });
}
