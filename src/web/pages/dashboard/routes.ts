import { Router, type Request, type Response } from 'express';
import { indicatorsFor } from '../../../app/indicators/cache.js';
import { toCsv, type CsvSeparator } from '../../../app/indicators/csv.js';
import { dataDictionary, DICTIONARY_CSV_HEADER, dictionaryRows } from '../../../app/indicators/dictionary.js';
import { candidateExport, exportCsv } from '../../../app/indicators/export.js';
import { indicatorsCsv } from '../../../app/indicators/indicators-csv.js';
import { webUserOf } from '../../auth/middleware.js';
import type { WebDeps } from '../../deps.js';
import { html } from '../../html.js';
import { queryValue, sendError, sendPage, table } from '../components.js';
import { administeredProjectOrPage, dashboardPage, periodOrPage } from './dashboard-page.js';

/**
 * The console's indicators: `/indicateurs` (the projects one leads, each with its dashboard),
 * `/projets/:id/indicateurs` (the dashboard), and the downloads a browser can make with its session
 * (the API's routes want a token): the indicators' CSV, the evaluators' pseudonymised export and
 * the data dictionary. Project leads (their projects) and administrators only.
 */

function separatorOf(req: Request): CsvSeparator {
  return queryValue(req.query.separator) === 'semicolon' ? 'semicolon' : 'comma';
}

function sendCsv(res: Response, filename: string, body: string): void {
  res
    .status(200)
    .setHeader('Content-Type', 'text/csv; charset=utf-8')
    .setHeader('Content-Disposition', `attachment; filename="${filename}"`)
    .setHeader('Cache-Control', 'no-store')
    .send(body);
}

function leadOrAdmin(res: Response): boolean {
  const { user } = webUserOf(res);
  if (user.role === 'administrator' || user.role === 'project_lead') return true;
  sendError(
    res,
    403,
    'Accès réservé',
    'Les indicateurs se consultent ici par les porteurs de projet et par les administrateurs.',
  );
  return false;
}

async function indicatorsHome(deps: WebDeps, _req: Request, res: Response): Promise<void> {
  if (!leadOrAdmin(res)) return;
  const { user } = webUserOf(res);
  let q = deps.db.selectFrom('projects').select(['id', 'name']).orderBy('name');
  if (user.role !== 'administrator') q = q.where('lead_user_id', '=', user.id);
  const projects = await q.execute();
  sendPage(res, 200, {
    title: 'Indicateurs',
    current: '/indicateurs',
    breadcrumb: [{ label: 'Accueil', href: '/' }, { label: 'Indicateurs' }],
    main: html`<h1>Indicateurs</h1>
      <p>
        Le tableau de bord de chaque projet : entonnoir, durées et courbes de Kaplan–Meier, attente, jurys et
        coûts, le groupe test comparé au groupe témoin ; l’export pseudonymisé pour les évaluateurs et son
        dictionnaire.
      </p>
      ${table({
        caption: user.role === 'administrator' ? 'Tous les projets' : 'Les projets que vous portez',
        head: ['Projet', 'Export pour les évaluateurs'],
        rowHeaders: true,
        rows: projects.map((p) => [
          html`<a href="/projets/${p.id}/indicateurs">${p.name}</a>`,
          html`<a href="/projets/${p.id}/export-evaluateurs.csv?separator=semicolon"
            >Télécharger l’export de ${p.name} (CSV)</a
          >`,
        ]),
        empty: 'Aucun projet.',
      })}
      <p>
        <a class="fr-link" href="/indicateurs/dictionnaire.csv?separator=semicolon"
          >Dictionnaire des données (CSV)</a
        >
      </p>`,
  });
}

export function dashboardRoutes(deps: WebDeps): Router {
  const router = Router();
  router.get('/indicateurs', (req, res) => indicatorsHome(deps, req, res));
  router.get('/indicateurs/dictionnaire.csv', (req, res) => {
    if (!leadOrAdmin(res)) return;
    sendCsv(
      res,
      'dictionnaire-des-donnees.csv',
      toCsv(DICTIONARY_CSV_HEADER, dictionaryRows(dataDictionary()), { separator: separatorOf(req) }),
    );
  });
  router.get('/projets/:id/indicateurs', (req, res) => dashboardPage(deps, req, res));
  router.get('/projets/:id/indicateurs.csv', async (req, res) => {
    const project = await administeredProjectOrPage(deps, req, res);
    const period = project && periodOrPage(req, res);
    if (!project || !period) return;
    const ind = await indicatorsFor(deps.db, { projectId: project.id, ...period, breakdown: 'arm' });
    sendCsv(res, `indicateurs-${project.id}.csv`, indicatorsCsv(ind, separatorOf(req)));
  });
  router.get('/projets/:id/export-evaluateurs.csv', async (req, res) => {
    const project = await administeredProjectOrPage(deps, req, res);
    const period = project && periodOrPage(req, res);
    if (!project || !period) return;
    const records = await candidateExport(deps.db, { projectId: project.id, ...period });
    sendCsv(res, `export-evaluateurs-${project.id}.csv`, exportCsv(records, separatorOf(req)));
  });
  return router;
}
