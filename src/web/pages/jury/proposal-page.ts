import type { Request, Response } from 'express';
import type { Kysely } from 'kysely';
import { callerOf } from '../../../api/access.js';
import { REFUSAL_STATUS } from '../../../api/errors.js';
import { createSessionSchema } from '../../../api/jury/session-schemas.js';
import { createSession } from '../../../app/jury/sessions/create-session.js';
import { getPlan } from '../../../app/jury/sessions/read-plan.js';
import { Refusal } from '../../../app/refusal.js';
import { loadConfig } from '../../../config.js';
import type { Database } from '../../../db/schema.js';
import type { ProposedSession } from '../../../domain/jury/types.js';
import { webUserOf } from '../../auth/middleware.js';
import type { WebDeps } from '../../deps.js';
import { html, type Html } from '../../html.js';
import { alert, badge, dateTime, sendNotFound, sendPage, table } from '../components.js';
import {
  type FormErrors,
  type FormUi,
  type FormValues,
  formValuesOf,
  NO_ERRORS,
  refusalErrors,
  renderSchemaForm,
  validateSchemaForm,
} from '../forms/schema-form.js';
import { JURY_MODALITY_LABELS } from '../labels.js';
import { euros, juryRolesOnly, sessionStatusLabel, solverStatusLabel } from './jury-labels.js';

/**
 * `GET /jury/propositions/:id`: a proposal of the planner — its sessions with their members,
 * candidacies and cost, the shortage report — and, for each session not made yet, the form that
 * creates it (`POST /jury/propositions/:id/sessions/:key`: the API's use case, which checks every
 * rule again and invites the members), then 303 to the new session's page.
 */

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The fields the organiser adds to a proposed session: from the API's schema of a creation. */
const remoteForm = createSessionSchema.pick({ roomUrl: true });
const onSiteForm = createSessionSchema.pick({ place: true, departement: true });

function creationUi(roomTemplate: boolean): FormUi {
  return {
    roomUrl: {
      label: 'Lien de la salle virtuelle',
      hint: roomTemplate
        ? 'Facultatif : laissé vide, le lien de la salle est créé pour la session.'
        : 'Par exemple https://visio.example.fr/salle-jury (envoyé aux membres et aux candidats).',
    },
    place: { label: 'Adresse du lieu', hint: 'Envoyée aux membres et aux candidats avec leur convocation.' },
    departement: { label: 'Département du lieu' },
  };
}

interface PageState {
  status: number;
  form?: { key: string; values: FormValues; errors: FormErrors; refusal?: string };
}

export async function proposalPage(deps: WebDeps, req: Request, res: Response): Promise<void> {
  await render(deps, req, res, { status: 200 });
}

export async function createFromProposal(deps: WebDeps, req: Request, res: Response): Promise<void> {
  if (!juryRolesOnly(res, ['jury_organiser'])) return;
  const id = String(req.params.id);
  const key = String(req.params.key);
  if (!ID.test(id)) return sendNotFound(res);
  const caller = callerOf(webUserOf(res).user);
  let plan;
  try {
    plan = await getPlan(deps.db, caller, id);
  } catch (err) {
    if (err instanceof Refusal && err.kind === 'not_found') return sendNotFound(res, err.message);
    throw err;
  }
  const proposed = plan.plan.sessions.find((s) => s.key === key);
  if (!proposed) return sendNotFound(res, 'Cette session ne figure pas dans la proposition.');
  const template = loadConfig().juryRoomUrlTemplate;
  const schema = proposed.modality === 'remote' ? remoteForm : onSiteForm;
  const ui = creationUi(Boolean(template));
  const values = formValuesOf(req.body);
  const checked = validateSchemaForm(schema, ui, values);
  if (checked.errors)
    return render(deps, req, res, { status: 400, form: { key, values, errors: checked.errors } });
  try {
    const created = await createSession(
      { db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, roomUrlTemplate: template },
      caller,
      { projectId: plan.projectId, planId: plan.id, sessionKey: key, ...checked.data },
    );
    res.redirect(303, `/jury/sessions/${created.id}?ok=creation`);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    const errors = err.kind === 'invalid' ? refusalErrors(schema, ui, err) : NO_ERRORS;
    if (err.kind === 'invalid' && errors.fields && Object.keys(errors.fields).length === 0)
      errors.form.push(err.message);
    return render(deps, req, res, {
      status: REFUSAL_STATUS[err.kind],
      form: { key, values, errors, ...(err.kind === 'invalid' ? {} : { refusal: err.message }) },
    });
  }
}

async function memberNames(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('jury_members')
    .select(['id', 'display_name'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

async function render(deps: WebDeps, req: Request, res: Response, state: PageState): Promise<void> {
  if (!juryRolesOnly(res, ['jury_organiser'])) return;
  const id = String(req.params.id);
  if (!ID.test(id)) return sendNotFound(res);
  const { user, csrf } = webUserOf(res);
  let plan;
  try {
    plan = await getPlan(deps.db, callerOf(user), id);
  } catch (err) {
    if (err instanceof Refusal && err.kind === 'not_found') return sendNotFound(res, err.message);
    throw err;
  }
  const names = await memberNames(deps.db, [...new Set(plan.plan.sessions.flatMap((s) => s.memberIds))]);
  const ui = creationUi(Boolean(loadConfig().juryRoomUrlTemplate));
  const venues = new Map((plan.summary.venues ?? []).map((v) => [v.id, v.departement]));
  const s = plan.summary;
  const title = `Proposition du ${dateTime(plan.createdAt)}`;

  const sessionCard = (p: ProposedSession): Html => {
    const made = plan.sessionsMade.get(p.key);
    const form = state.form?.key === p.key ? state.form : undefined;
    const members = p.memberIds.map(
      (m) => `${names.get(m) ?? m.slice(0, 8)}${m === p.presidentId ? ' (président)' : ''}`,
    );
    return html`<section class="fr-mb-4w" aria-labelledby="session-${p.key}">
      <h3 id="session-${p.key}">
        Session ${p.key} : ${dateTime(p.startsAt)} —
        ${JURY_MODALITY_LABELS[p.modality]}${p.venueId ? html` (${p.venueId})` : null}
      </h3>
      <ul>
        <li>Certification : ${p.rncpCode}</li>
        <li>Membres : ${members.join(', ')}</li>
        <li>Candidatures : ${p.candidacyIds.length}</li>
        <li>Coût : ${euros(p.costCents)}</li>
      </ul>
      ${
        made
          ? html`<p>
              ${badge('Session créée', 'fr-badge--success')}
              <a href="/jury/sessions/${made.id}">Voir la session (${sessionStatusLabel(made.status)})</a>
            </p>`
          : html`${form?.refusal ? alert('error', form.refusal, 'Création refusée') : null}
            ${renderSchemaForm({
              schema: p.modality === 'remote' ? remoteForm : onSiteForm,
              ui,
              id: `creer-${p.key}`,
              action: `/jury/propositions/${plan.id}/sessions/${p.key}`,
              csrf,
              submitLabel: `Créer la session ${p.key} et inviter ses membres`,
              values:
                form?.values ??
                (p.modality === 'on_site' && p.venueId && venues.get(p.venueId)
                  ? { departement: [venues.get(p.venueId)!] }
                  : {}),
              ...(form ? { errors: form.errors } : {}),
            })}`
      }
    </section>`;
  };

  sendPage(res, state.status, {
    title,
    current: '/jury',
    breadcrumb: [{ label: 'Accueil', href: '/' }, { label: 'Jurys', href: '/jury' }, { label: title }],
    main: html`<h1>${title}</h1>
      <ul>
        <li>Candidats en attente de jury : ${s.candidates}, dont ${s.placed} placés</li>
        <li>Membres du vivier considérés : ${s.members} ; créneaux : ${s.slots}</li>
        <li>
          Coût total :
          ${euros(s.totalCostCents)}${
            s.costPerCandidateCents !== null
              ? html`, soit ${euros(s.costPerCandidateCents)} par candidat`
              : null
          }
        </li>
        <li>
          Résolution : ${solverStatusLabel(s.status)}, en ${(s.solveMs / 1000).toLocaleString('fr-FR')} s
        </li>
      </ul>
      <section class="fr-mb-5w" aria-labelledby="sessions-proposees">
        <h2 id="sessions-proposees">Sessions proposées : ${plan.plan.sessions.length}</h2>
        ${plan.plan.sessions.length ? plan.plan.sessions.map(sessionCard) : html`<p>Aucune session possible.</p>`}
      </section>
      <section class="fr-mb-5w" aria-labelledby="penurie">
        <h2 id="penurie">Candidats non placés</h2>
        ${table({
          caption: 'Rapport de pénurie : pourquoi, et ce qui élargirait le vivier',
          head: ['Certification', 'Candidatures', 'Échéance', 'Membres à recruter', 'Constat et pistes'],
          rowHeaders: true,
          rows: plan.shortages.map((sh) => [
            sh.rncpCode,
            sh.candidacyIds.length,
            dateTime(sh.neededBy),
            sh.missingMembers,
            html`${sh.message}
              <ul>
                ${sh.suggestions.map((t) => html`<li>${t}</li>`)}
              </ul>`,
          ]),
          empty: 'Chaque candidat en attente est placé.',
        })}
      </section>`,
  });
}
