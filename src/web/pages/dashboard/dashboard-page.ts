import type { Request, Response } from 'express';
import { indicatorsFor } from '../../../app/indicators/cache.js';
import { CONFIDENTIALITY_RULE } from '../../../app/indicators/compute.js';
import type { WebDeps } from '../../deps.js';
import { html } from '../../html.js';
import { dateTime, queryString, queryValue, sendError, sendPage } from '../components.js';
import { administeredProjectPage } from '../shared.js';
import { durationsSection, survivalSection } from './durations-section.js';
import { followUpSection } from './follow-up-section.js';
import { formatCount } from './format.js';
import { funnelSection } from './funnel-section.js';
import { jurySection } from './jury-section.js';

/**
 * `GET /projets/:id/indicateurs`: the project's dashboard for its lead and administrators — the
 * funnel per arm, the durations and their Kaplan–Meier curves, waiting and follow-up, the juries'
 * costs. Every chart is an SVG drawn on the server by ECharts, with its numbers in a table beside
 * it: the very figures `GET /api/indicators?breakdown=arm` answers (one computation), masked
 * counts as « < 5 ». No script.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (s: string) => DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

/** The project, or the error page already sent (null). */
export function administeredProjectOrPage(deps: WebDeps, req: Request, res: Response) {
  return administeredProjectPage(deps.db, res, String(req.params.id), 'les indicateurs d’un projet');
}

/** The optional period of identification from the query: both valid days or nothing (400 page). */
export function periodOrPage(req: Request, res: Response): { from?: string; to?: string } | null {
  const from = queryValue(req.query.from) || undefined;
  const to = queryValue(req.query.to) || undefined;
  if ((from && !isDay(from)) || (to && !isDay(to)) || (from && to && from > to)) {
    sendError(
      res,
      400,
      'Période invalide',
      'Les dates de début et de fin s’écrivent AAAA-MM-JJ, la première au plus tard le jour de la seconde.',
    );
    return null;
  }
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

export async function dashboardPage(deps: WebDeps, req: Request, res: Response): Promise<void> {
  const project = await administeredProjectOrPage(deps, req, res);
  if (!project) return;
  const period = periodOrPage(req, res);
  if (!period) return;
  const ind = await indicatorsFor(deps.db, { projectId: project.id, ...period, breakdown: 'arm' });
  const base = `/projets/${project.id}`;
  const q = (extra: Record<string, string>) => queryString({ ...period, ...extra });
  sendPage(res, 200, {
    title: `Indicateurs — ${project.name}`,
    current: base,
    breadcrumb: [
      { label: 'Accueil', href: '/' },
      { label: 'Projets', href: '/projets' },
      { label: project.name, href: base },
      { label: 'Indicateurs' },
    ],
    main: html`<h1>Indicateurs — ${project.name}</h1>
      <p class="fr-text--lead">
        ${formatCount(ind.overall.candidacies)} candidatures : groupe test
        ${formatCount(ind.comparison.test.candidacies)}, groupe témoin
        ${formatCount(ind.comparison.control.candidacies)}. Calculé le
        ${dateTime(ind.asOf)}${
          period.from || period.to
            ? html`, candidatures repérées ${period.from ? `à partir du ${period.from}` : ''}
              ${period.to ? `jusqu’au ${period.to}` : ''}`
            : ''
        }.
      </p>
      <div class="fr-callout fr-mb-4w">
        <h2 class="fr-callout__title fr-h6">Secret statistique</h2>
        <p class="fr-callout__text fr-text--sm">${CONFIDENTIALITY_RULE}</p>
      </div>
      <form method="get" action="${base}/indicateurs" class="fr-mb-4w">
        <fieldset class="fr-fieldset" aria-labelledby="periode-legende">
          <legend class="fr-fieldset__legend" id="periode-legende">
            Candidatures repérées pendant la période
          </legend>
          <div class="fr-fieldset__element fr-fieldset__element--inline">
            <div class="fr-input-group">
              <label class="fr-label" for="periode-debut">Du (inclus)</label>
              <input
                class="fr-input"
                type="date"
                id="periode-debut"
                name="from"
                value="${period.from ?? ''}"
              />
            </div>
          </div>
          <div class="fr-fieldset__element fr-fieldset__element--inline">
            <div class="fr-input-group">
              <label class="fr-label" for="periode-fin">Au (inclus)</label>
              <input class="fr-input" type="date" id="periode-fin" name="to" value="${period.to ?? ''}" />
            </div>
          </div>
          <div class="fr-fieldset__element fr-fieldset__element--inline">
            <button class="fr-btn fr-btn--secondary" type="submit">Appliquer la période</button>
          </div>
        </fieldset>
      </form>
      <ul
        class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-mb-4w"
        aria-label="Téléchargements"
      >
        <li>
          <a class="fr-btn fr-btn--tertiary" href="${base}/indicateurs.csv${q({ separator: 'semicolon' })}"
            >Indicateurs (CSV, tableur français)</a
          >
        </li>
        <li>
          <a class="fr-btn fr-btn--tertiary" href="${base}/indicateurs.csv${q({})}"
            >Indicateurs (CSV RFC 4180)</a
          >
        </li>
        <li>
          <a
            class="fr-btn fr-btn--tertiary"
            href="${base}/export-evaluateurs.csv${q({ separator: 'semicolon' })}"
            >Export pseudonymisé pour les évaluateurs (CSV)</a
          >
        </li>
        <li>
          <a class="fr-btn fr-btn--tertiary" href="/indicateurs/dictionnaire.csv?separator=semicolon"
            >Dictionnaire des données (CSV)</a
          >
        </li>
      </ul>
      ${funnelSection(ind)} ${durationsSection(ind)} ${survivalSection(ind)} ${followUpSection(ind)}
      ${jurySection(ind)}`,
  });
}
