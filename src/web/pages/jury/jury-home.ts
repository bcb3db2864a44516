import type { Request, Response } from 'express';
import { callerOf } from '../../../api/access.js';
import { REFUSAL_STATUS } from '../../../api/errors.js';
import { planRequestSchema } from '../../../api/jury/session-schemas.js';
import { listMembers } from '../../../app/jury/members/list-members.js';
import { projectsOrganised } from '../../../app/jury/sessions/read-plan.js';
import { planSessions } from '../../../app/jury/sessions/plan-sessions.js';
import { listSessions } from '../../../app/jury/sessions/session-actions.js';
import { Refusal } from '../../../app/refusal.js';
import { listCertifications } from '../../../app/reference/list-certifications.js';
import { webUserOf } from '../../auth/middleware.js';
import type { WebDeps } from '../../deps.js';
import { html } from '../../html.js';
import { alert, badge, dateTime, pagination, queryValue, sendPage, table } from '../components.js';
import {
  type FormErrors,
  type FormValues,
  formValuesOf,
  NO_ERRORS,
  refusalErrors,
  validateSchemaForm,
} from '../forms/schema-form.js';
import { JURY_MODALITY_LABELS } from '../labels.js';
import { certificationTitles } from '../shared.js';
import { euros, juryRolesOnly, sessionStatusLabel } from './jury-labels.js';
import { planFormUi, renderPlanForm, type PlanFormContext } from './plan-form.js';

/**
 * `GET /jury`: the sessions (soonest first); for a jury organiser also the planner's form and the
 * operator's pool; for a certifier, the sessions of the projects they certify (to enter results).
 * `POST /jury/propositions`: the planner (HiGHS), then 303 to its proposal.
 */

const PAGE_SIZE = 50;

interface HomeState {
  status: number;
  plan?: { values: FormValues; errors: FormErrors; refusal?: string };
}

export async function juryPage(deps: WebDeps, req: Request, res: Response): Promise<void> {
  if (!juryRolesOnly(res)) return;
  await renderHome(deps, req, res, { status: 200 });
}

export async function planFromForm(deps: WebDeps, req: Request, res: Response): Promise<void> {
  if (!juryRolesOnly(res, ['jury_organiser'])) return;
  const caller = callerOf(webUserOf(res).user);
  const ctx = await planContext(deps, caller);
  const ui = planFormUi(ctx);
  const values = formValuesOf(req.body);
  const checked = validateSchemaForm(planRequestSchema, ui, values);
  if (checked.errors)
    return renderHome(deps, req, res, { status: 400, plan: { values, errors: checked.errors } });
  try {
    const plan = await planSessions(deps.db, caller, checked.data);
    res.redirect(303, `/jury/propositions/${plan.id}`);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    const errors = err.kind === 'invalid' ? refusalErrors(planRequestSchema, ui, err) : NO_ERRORS;
    return renderHome(deps, req, res, {
      status: REFUSAL_STATUS[err.kind],
      plan: { values, errors, refusal: err.message },
    });
  }
}

async function planContext(deps: WebDeps, caller: ReturnType<typeof callerOf>): Promise<PlanFormContext> {
  const [projects, certifications] = await Promise.all([
    projectsOrganised(deps.db, caller),
    listCertifications(deps.db),
  ]);
  return { projects, certifications };
}

async function renderHome(deps: WebDeps, req: Request, res: Response, state: HomeState): Promise<void> {
  const { user, csrf } = webUserOf(res);
  const caller = callerOf(user);
  const organiser = user.role === 'jury_organiser';
  const offset = Math.min(Math.max(0, Math.floor(Number(queryValue(req.query.offset) ?? 0)) || 0), 100_000);
  const [sessions, pool, titles, ctx] = await Promise.all([
    listSessions(deps.db, caller, { limit: 100, offset: 0 }),
    organiser ? listMembers(deps.db, caller, { limit: PAGE_SIZE, offset }) : null,
    certificationTitles(deps.db),
    organiser ? planContext(deps, caller) : null,
  ]);
  sendPage(res, state.status, {
    title: 'Jurys',
    current: '/jury',
    breadcrumb: [{ label: 'Accueil', href: '/' }, { label: 'Jurys' }],
    main: html`<h1>Jurys</h1>
      <section class="fr-mb-5w" aria-labelledby="sessions-titre">
        <h2 id="sessions-titre">Sessions de jury</h2>
        ${table({
          caption: organiser
            ? `Sessions de votre organisme, les plus proches d’abord : ${sessions.total}`
            : `Sessions des projets que votre organisme certifie, les plus proches d’abord : ${sessions.total}`,
          head: ['Session', 'Certification', 'Modalité', 'Statut', 'Coût'],
          rowHeaders: true,
          rows: sessions.items.map((s) => [
            html`<a href="/jury/sessions/${s.id}">Session du ${dateTime(s.startsAt)}</a>`,
            `${s.rncpCode} — ${titles.get(s.rncpCode) ?? ''}`,
            JURY_MODALITY_LABELS[s.modality as 'on_site' | 'remote'] ?? s.modality,
            sessionStatusLabel(s.status),
            euros(s.costCents),
          ]),
          empty: 'Aucune session de jury.',
        })}
      </section>
      ${
        ctx
          ? html`<section class="fr-mb-5w" aria-labelledby="planifier-titre">
              <h2 id="planifier-titre">Planifier des sessions</h2>
              <p>
                Le planificateur compose les jurys de coût minimal pour les candidats dont le dossier de
                validation est déposé, dans le respect de chaque règle (qualification, professionnels, liens
                d’intérêt, disponibilités, plafonds, échéance des 3 mois). Vous choisissez ensuite les
                sessions à créer : leurs membres sont alors invités.
              </p>
              ${state.plan?.refusal ? alert('error', state.plan.refusal, 'Planification refusée') : null}
              ${
                ctx.projects.length
                  ? renderPlanForm(ctx, csrf, state.plan ?? {})
                  : alert('info', 'Votre organisme n’organise les jurys d’aucun projet.')
              }
            </section>`
          : null
      }
      ${
        pool
          ? html`<section class="fr-mb-5w" aria-labelledby="vivier-titre">
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
                    .map(
                      (q) => `${q.rncpCode}${q.blockCodes === 'all' ? '' : ` (${q.blockCodes.join(', ')})`}`,
                    )
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
            </section>`
          : null
      }`,
  });
}
