import type { Request, Response } from 'express';
import { describeProject } from '../../app/reference/describe-project.js';
import { policyView } from '../../app/reference/policy-view.js';
import type { ProjectPolicySettings } from '../../domain/policy.js';
import { webUserOf } from '../auth/middleware.js';
import type { WebDeps } from '../deps.js';
import { html } from '../html.js';
import { day, sendError, sendPage, table } from './components.js';
import { operatorRoleLabel, TARGET_PUBLIC_LABELS, userRoleLabel } from './labels.js';
import { administeredProjectPage } from './shared.js';

/**
 * The project lead's and administrators' pages, read-only: the projects they administer, and each
 * one's policy (legal defaults beside the project's values and what each arm gets), operators,
 * users and certifications, with links to the policy's form, the experiment's page and the
 * indicators. The same access rule as the API's reference data.
 */

function refuse(res: Response) {
  sendError(
    res,
    403,
    'Accès réservé',
    'Les projets se consultent ici par leur porteur et par les administrateurs.',
  );
}

/** `GET /projets`. */
export async function projectsPage(deps: WebDeps, _req: Request, res: Response): Promise<void> {
  const { user } = webUserOf(res);
  if (user.role !== 'administrator' && user.role !== 'project_lead') return refuse(res);
  let q = deps.db.selectFrom('projects').select(['id', 'name', 'created_at']).orderBy('name');
  if (user.role !== 'administrator') q = q.where('lead_user_id', '=', user.id);
  const projects = await q.execute();
  const counts = await deps.db
    .selectFrom('candidacies')
    .select((eb) => ['project_id', eb.fn.countAll<string>().as('n')])
    .where('started', '=', true)
    .groupBy('project_id')
    .execute();
  const byProject = new Map(counts.map((c) => [c.project_id, Number(c.n)]));
  sendPage(res, 200, {
    title: 'Projets',
    current: '/projets',
    breadcrumb: [{ label: 'Accueil', href: '/' }, { label: 'Projets' }],
    main: html`<h1>Projets</h1>
      ${table({
        caption: user.role === 'administrator' ? 'Tous les projets' : 'Les projets que vous portez',
        head: ['Projet', 'Candidatures', 'Créé le'],
        rowHeaders: true,
        rows: projects.map((p) => [
          html`<a href="/projets/${p.id}">${p.name}</a>`,
          byProject.get(p.id) ?? 0,
          day(p.created_at),
        ]),
        empty: 'Aucun projet.',
      })}`,
  });
}

const FROM_LABELS: Record<string, string> = {
  default: 'valeur légale',
  project: 'valeur du projet',
  arm: 'valeur du groupe',
};

/** `GET /projets/:id`. */
export async function projectPage(deps: WebDeps, req: Request, res: Response): Promise<void> {
  const id = String(req.params.id);
  const project = await administeredProjectPage(deps.db, res, id, 'la page d’un projet');
  if (!project) return;
  const [described, users, lead] = await Promise.all([
    describeProject(deps.db, id),
    deps.db
      .selectFrom('users as u')
      .innerJoin('project_operators as po', 'po.operator_id', 'u.operator_id')
      .innerJoin('operators as o', 'o.id', 'u.operator_id')
      .select(['u.id', 'u.display_name', 'u.role', 'o.name as operator_name'])
      .distinct()
      .where('po.project_id', '=', id)
      .orderBy('o.name')
      .orderBy('u.display_name')
      .execute(),
    project.lead_user_id
      ? deps.db
          .selectFrom('users')
          .select('display_name')
          .where('id', '=', project.lead_user_id)
          .executeTakeFirst()
      : Promise.resolve(undefined),
  ]);
  const view = policyView({ id, name: project.name, policy: project.policy as ProjectPolicySettings });

  const policyTable = table({
    caption: 'Paramètres de la politique : valeur légale, valeur du projet, ce que reçoit chaque groupe',
    head: [
      'Paramètre',
      'Valeur légale par défaut',
      'Valeur du projet',
      'Groupe test',
      'Groupe témoin',
      'Source',
    ],
    rowHeaders: true,
    rows: view.parameters.map((p) => [
      p.label,
      p.default?.label ?? '—',
      p.override ? html`<strong>${p.override.label}</strong>` : '—',
      html`${p.resolved.test.label}<br /><span class="fr-text--xs"
          >${FROM_LABELS[p.resolved.test.from]}</span
        >`,
      html`${p.resolved.control.label}<br /><span class="fr-text--xs"
          >${FROM_LABELS[p.resolved.control.from]}</span
        >`,
      p.source,
    ]),
  });

  sendPage(res, 200, {
    title: described.name,
    current: '/projets',
    breadcrumb: [
      { label: 'Accueil', href: '/' },
      { label: 'Projets', href: '/projets' },
      { label: described.name },
    ],
    main: html`<h1>${described.name}</h1>
      <p>Porteur du projet : ${lead?.display_name ?? 'aucun'}</p>
      <p>
        <a class="fr-link" href="/projets/${id}/indicateurs">Indicateurs et export pour les évaluateurs</a>
      </p>
      <p>
        <a class="fr-link" href="/projets/${id}/experience">Expérimentation</a> : la répartition des nouvelles
        candidatures entre groupe test et groupe témoin, ses versions et les effectifs de chaque groupe.
      </p>
      <ul class="fr-tags-group" aria-label="Publics visés">
        ${described.targetPublics.map(
          (p) =>
            html`<li>
              <p class="fr-tag">${TARGET_PUBLIC_LABELS[p as keyof typeof TARGET_PUBLIC_LABELS] ?? p}</p>
            </li>`,
        )}
      </ul>
      <section class="fr-mb-5w" aria-labelledby="politique-titre">
        <h2 id="politique-titre">Politique du projet</h2>
        <p>${view.notice}</p>
        <p><a class="fr-btn fr-btn--secondary" href="/projets/${id}/politique">Modifier la politique</a></p>
        ${policyTable}
      </section>
      <section class="fr-mb-5w" aria-labelledby="organismes-titre">
        <h2 id="organismes-titre">Organismes et utilisateurs</h2>
        ${table({
          caption: 'Organismes du projet et leur mission',
          head: ['Organisme', 'Mission'],
          rowHeaders: true,
          rows: described.operators.map((o) => [o.name, operatorRoleLabel(o.role)]),
          empty: 'Aucun organisme.',
        })}
        ${table({
          caption: 'Utilisateurs de ces organismes',
          head: ['Nom', 'Rôle', 'Organisme'],
          rowHeaders: true,
          rows: users.map((u) => [u.display_name, userRoleLabel(u.role), u.operator_name]),
          empty: 'Aucun utilisateur.',
        })}
      </section>
      <section class="fr-mb-5w" aria-labelledby="certifications-titre">
        <h2 id="certifications-titre">Certifications proposées</h2>
        ${described.certifications.map((c) =>
          table({
            caption: `${c.rncpCode} — ${c.title}`,
            head: ['Bloc', 'Intitulé'],
            rowHeaders: true,
            rows: c.blocks.map((b) => [b.code, b.title]),
          }),
        )}
      </section>`,
  });
}
