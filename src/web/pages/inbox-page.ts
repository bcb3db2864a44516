import type { Request, Response } from 'express';
import { withNames } from '../../api/candidacies/read.js';
import { readInbox } from '../../app/candidacies/inbox.js';
import { PHASES, type Phase } from '../../domain/phases.js';
import { webUserOf } from '../auth/middleware.js';
import type { WebDeps } from '../deps.js';
import { html } from '../html.js';
import {
  badge,
  dateTime,
  filterSelect,
  pagination,
  queryString,
  queryValue,
  sendPage,
  table,
} from './components.js';
import { phaseLabel } from './labels.js';
import { candidacyLink, certificationTitles, phaseBadge } from './shared.js';

const PAGE_SIZE = 50;

/**
 * `GET /`: the inbox — the candidacies on which the user's operator must act now (the same query
 * as `GET /api/inbox`), nearest deadline first, overdue ones marked, counts per phase, filters.
 */
export async function inboxPage(deps: WebDeps, req: Request, res: Response): Promise<void> {
  const { user } = webUserOf(res);
  const rawPhase = queryValue(req.query.phase);
  const phase = PHASES.includes(rawPhase as Phase) ? (rawPhase as Phase) : undefined;
  const overdue = queryValue(req.query.overdue) === '1';
  const offset = Math.min(Math.max(0, Math.floor(Number(queryValue(req.query.offset) ?? 0)) || 0), 1_000_000);

  const [inbox, titles] = await Promise.all([
    readInbox(deps.db, user.operatorId, { limit: PAGE_SIZE, offset }, { phase, overdue }),
    certificationTitles(deps.db),
  ]);
  const items = await withNames(deps.db, user, inbox.rows);
  const filtered = phase !== undefined || overdue;
  const params = { phase, overdue: overdue ? '1' : undefined };

  const countsTable = table({
    caption: 'Répartition par phase',
    head: ['Phase', 'Candidatures', 'Échéances dépassées'],
    rowHeaders: true,
    rows: inbox.counts
      .sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase))
      .map((c) => [
        html`<a href="/${queryString({ phase: c.phase })}">${phaseLabel(c.phase)}</a>`,
        c.n,
        c.overdue ? html`${badge(String(c.overdue), 'fr-badge--error fr-badge--no-icon')}` : '0',
      ]),
    empty: 'Aucune candidature n’attend votre organisme.',
  });

  const filters = html`<form method="get" action="/" class="fr-mb-4w" aria-labelledby="filtres-titre">
    <h2 class="fr-h6" id="filtres-titre">Filtrer la boîte de réception</h2>
    <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
      <div class="fr-col-12 fr-col-md-5">
        ${filterSelect({
          id: 'filtre-phase',
          name: 'phase',
          label: 'Phase',
          value: phase,
          allLabel: 'Toutes les phases',
          options: PHASES.map((p) => ({ value: p, label: phaseLabel(p) })),
        })}
      </div>
      <div class="fr-col-12 fr-col-md-4">
        <div class="fr-checkbox-group">
          <input
            type="checkbox"
            id="filtre-retard"
            name="overdue"
            value="1"
            ${overdue ? html` checked` : null}
          />
          <label class="fr-label" for="filtre-retard">Seulement les échéances dépassées</label>
        </div>
      </div>
      <div class="fr-col-12 fr-col-md-3">
        <ul class="fr-btns-group fr-btns-group--inline">
          <li><button class="fr-btn" type="submit">Filtrer</button></li>
          ${filtered ? html`<li><a class="fr-btn fr-btn--secondary" href="/">Tout afficher</a></li>` : null}
        </ul>
      </div>
    </div>
  </form>`;

  const caption = filtered
    ? `Candidatures à traiter correspondant aux filtres : ${inbox.matching}`
    : `Candidatures à traiter : ${inbox.total}`;
  const list = table({
    caption,
    head: ['Candidature', 'Certification', 'Phase', 'Prochaine échéance', 'Créée le'],
    rows: items.map((item, i) => {
      const row = inbox.rows[i]!;
      return [
        candidacyLink(item),
        html`${item.rncpCode}<br /><span class="fr-text--xs">${titles.get(item.rncpCode) ?? ''}</span>`,
        phaseBadge(item.phase),
        row.overdue
          ? html`${dateTime(item.nextDeadline)} ${badge('En retard', 'fr-badge--error')}`
          : dateTime(item.nextDeadline),
        dateTime(item.createdAt),
      ];
    }),
    empty: filtered
      ? 'Aucune candidature de votre boîte ne correspond à ces filtres.'
      : 'Aucune candidature n’attend votre organisme pour le moment.',
  });

  sendPage(res, 200, {
    title: 'Boîte de réception',
    current: '/',
    main: html`<h1>Boîte de réception</h1>
      <p class="fr-text--lead">
        Les candidatures sur lesquelles votre organisme doit agir, l’échéance la plus proche d’abord.
      </p>
      <p>
        ${
          inbox.total === 0
            ? 'Rien ne vous attend.'
            : html`${inbox.total} candidature${inbox.total > 1 ? 's' : ''} à traiter, dont
              ${inbox.overdue ? html`<strong>${inbox.overdue} en retard</strong>` : 'aucune en retard'}.`
        }
        <a href="/candidatures">Voir toutes les candidatures</a>
      </p>
      ${countsTable} ${filters} ${list}
      ${pagination('/', params, { offset, limit: PAGE_SIZE, total: inbox.matching })}`,
  });
}
