import type { Request, Response } from 'express';
import { listCandidacies } from '../../api/candidacies/read.js';
import { listQuerySchema } from '../../api/candidacies/schemas.js';
import { requestErrors } from '../../api/validation.js';
import { CREATION_ROLES } from '../../domain/access.js';
import { EXPERIMENT_ARMS } from '../../domain/arm.js';
import { PHASES } from '../../domain/phases.js';
import { webUserOf } from '../auth/middleware.js';
import type { WebDeps } from '../deps.js';
import { html } from '../html.js';
import { alert, dateTime, filterSelect, pagination, queryValue, sendPage, table } from './components.js';
import { ARM_LABELS, operatorRoleLabel, phaseLabel } from './labels.js';
import { candidacyLink, certificationTitles, operatorNames, phaseBadge, waitingOnLabel } from './shared.js';
import { visibleProjects } from './projects-visible.js';

const PAGE_SIZE = 50;
const FILTERS = ['projectId', 'phase', 'rncpCode', 'waitingOn', 'arm'] as const;

/**
 * `GET /candidatures`: the candidacies the user may see (the API's list: same visibility, same
 * filters), 50 a page. A filter the API would refuse is left out and said so.
 */
export async function listPage(deps: WebDeps, req: Request, res: Response): Promise<void> {
  const { user } = webUserOf(res);
  const raw: Record<string, string> = {};
  for (const key of FILTERS) {
    const v = queryValue(req.query[key]);
    if (v) raw[key] = v;
  }
  const offsetRaw = queryValue(req.query.offset);
  const query: Record<string, unknown> = { ...raw, limit: String(PAGE_SIZE), offset: offsetRaw ?? '0' };
  const checked = requestErrors(listQuerySchema, query, 'query');
  const ignored: string[] = [];
  for (const e of checked.errors) {
    const key = e.path.split('.')[1];
    if (key && key in query) {
      delete query[key];
      delete raw[key];
      ignored.push(`${FILTER_LABELS[key] ?? key} : ${e.message}`);
    }
  }
  const q = listQuerySchema.parse({ ...query, limit: String(PAGE_SIZE), offset: query.offset ?? '0' });

  const [list, names, titles, projects] = await Promise.all([
    listCandidacies(deps.db, user, q),
    operatorNames(deps.db),
    certificationTitles(deps.db),
    visibleProjects(deps.db, user),
  ]);
  const projectIds = projects.map((p) => p.id);
  const [certs, operators] = await Promise.all([
    projectIds.length
      ? deps.db
          .selectFrom('project_certifications')
          .select('rncp_code')
          .distinct()
          .where('project_id', 'in', projectIds)
          .orderBy('rncp_code')
          .execute()
      : [],
    projectIds.length
      ? deps.db
          .selectFrom('project_operators')
          .select(['operator_id', 'role'])
          .distinct()
          .where('project_id', 'in', projectIds)
          .where('role', '!=', 'outreach')
          .where('role', '!=', 'jury_organisation')
          .execute()
      : [],
  ]);
  const waitingOptions = [
    { value: 'candidate', label: 'Le candidat' },
    ...operators
      .map((o) => ({
        value: `${o.role}:${o.operator_id}`,
        label: `${names.get(o.operator_id) ?? o.operator_id} (${operatorRoleLabel(o.role)})`,
      }))
      .sort((a, b) => a.label.localeCompare(b.label, 'fr')),
    { value: 'nobody', label: 'Personne (parcours clos)' },
  ];

  const filtered = Object.keys(raw).length > 0;
  const filters = html`<form
    method="get"
    action="/candidatures"
    class="fr-mb-4w"
    aria-labelledby="filtres-titre"
  >
    <h2 class="fr-h6" id="filtres-titre">Filtrer les candidatures</h2>
    <div class="fr-grid-row fr-grid-row--gutters">
      ${
        projects.length > 1
          ? html`<div class="fr-col-12 fr-col-md-4">
              ${filterSelect({
                id: 'filtre-projet',
                name: 'projectId',
                label: 'Projet',
                value: raw.projectId,
                allLabel: 'Tous les projets',
                options: projects.map((p) => ({ value: p.id, label: p.name })),
              })}
            </div>`
          : null
      }
      <div class="fr-col-12 fr-col-md-4">
        ${filterSelect({
          id: 'filtre-phase',
          name: 'phase',
          label: 'Phase',
          value: raw.phase,
          allLabel: 'Toutes les phases',
          options: PHASES.map((p) => ({ value: p, label: phaseLabel(p) })),
        })}
      </div>
      <div class="fr-col-12 fr-col-md-4">
        ${filterSelect({
          id: 'filtre-certification',
          name: 'rncpCode',
          label: 'Certification',
          value: raw.rncpCode,
          allLabel: 'Toutes les certifications',
          options: certs.map((c) => ({
            value: c.rncp_code,
            label: `${c.rncp_code} — ${titles.get(c.rncp_code) ?? ''}`,
          })),
        })}
      </div>
      <div class="fr-col-12 fr-col-md-4">
        ${filterSelect({
          id: 'filtre-attente',
          name: 'waitingOn',
          label: 'En attente de',
          value: raw.waitingOn,
          allLabel: 'Tout le monde',
          options: waitingOptions,
        })}
      </div>
      <div class="fr-col-12 fr-col-md-4">
        ${filterSelect({
          id: 'filtre-groupe',
          name: 'arm',
          label: 'Groupe de l’expérimentation',
          value: raw.arm,
          allLabel: 'Les deux groupes',
          options: EXPERIMENT_ARMS.map((a) => ({ value: a, label: ARM_LABELS[a] })),
        })}
      </div>
    </div>
    <ul class="fr-btns-group fr-btns-group--inline fr-mt-2w">
      <li><button class="fr-btn" type="submit">Filtrer</button></li>
      ${filtered ? html`<li><a class="fr-btn fr-btn--secondary" href="/candidatures">Effacer les filtres</a></li>` : null}
    </ul>
  </form>`;

  const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
  const current = Math.floor(q.offset / PAGE_SIZE) + 1;
  const caption = `${list.totalCapped ? 'Plus de ' : ''}${list.total} candidature${list.total > 1 ? 's' : ''}${
    filtered ? ' correspondant aux filtres' : ''
  }${pages > 1 ? ` — page ${current} sur ${list.totalCapped ? `plus de ${pages}` : pages}` : ''}`;

  sendPage(res, 200, {
    title: current > 1 ? `Candidatures — page ${current}` : 'Candidatures',
    current: '/candidatures',
    breadcrumb: [{ label: 'Accueil', href: '/' }, { label: 'Candidatures' }],
    main: html`<h1>Candidatures</h1>
      <p>Les candidatures que votre organisme suit ou a suivies, les plus récentes d’abord.</p>
      ${
        CREATION_ROLES.includes(user.role)
          ? html`<p>
              <a class="fr-btn fr-btn--icon-left fr-icon-add-line" href="/candidatures/nouvelle"
                >Nouvelle candidature</a
              >
            </p>`
          : null
      }
      ${ignored.length ? alert('warning', html`Filtre ignoré : ${ignored.join(' ; ')}`) : null} ${filters}
      ${table({
        caption,
        head: ['Candidature', 'Certification', 'Phase', 'En attente de', 'Prochaine échéance', 'Créée le'],
        rows: list.items.map((item) => [
          candidacyLink(item),
          html`${item.rncpCode}<br /><span class="fr-text--xs">${titles.get(item.rncpCode) ?? ''}</span>`,
          phaseBadge(item.phase),
          waitingOnLabel(item.waitingOn, names, user.operatorId),
          dateTime(item.nextDeadline),
          dateTime(item.createdAt),
        ]),
        empty: filtered ? 'Aucune candidature ne correspond à ces filtres.' : 'Aucune candidature.',
      })}
      ${pagination('/candidatures', raw, { offset: q.offset, limit: PAGE_SIZE, total: list.total })}`,
  });
}

const FILTER_LABELS: Record<string, string> = {
  projectId: 'projet',
  phase: 'phase',
  rncpCode: 'certification',
  waitingOn: 'en attente de',
  arm: 'groupe',
  offset: 'page',
};
