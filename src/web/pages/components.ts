import type { Response } from 'express';
import { formatDayFr, formatDayTimeFr } from '../../domain/paris-time.js';
import { html, type Html } from '../html.js';
import { pageChrome } from '../auth/middleware.js';
import { renderErrorPage, renderPage, type PageOptions } from '../layout.js';

/** Pieces of the console's pages (DSFR): tables, badges, paging, alerts, dates. */

/** Sends a whole page of the console for the signed-in user. */
export function sendPage(res: Response, status: number, opts: Omit<PageOptions, 'user' | 'csrf'>): void {
  res
    .status(status)
    .type('html')
    .setHeader('Cache-Control', 'no-store')
    .send(renderPage({ ...pageChrome(res), ...opts }));
}

export function sendError(
  res: Response,
  status: number,
  title: string,
  text: string,
  action?: { label: string; href: string },
): void {
  res
    .status(status)
    .type('html')
    .setHeader('Cache-Control', 'no-store')
    .send(renderErrorPage(status, title, text, { ...pageChrome(res), ...(action ? { action } : {}) }));
}

export function sendNotFound(
  res: Response,
  what = 'Cette page n’existe pas, ou vous n’y avez pas accès.',
): void {
  sendError(res, 404, 'Page introuvable', what);
}

export interface TableOptions {
  caption: string;
  head: (string | Html)[];
  rows: (string | Html | number | null)[][];
  /** Shown in a single cell when there is no row. */
  empty?: string;
  /** The first cell of each row is its header (`<th scope="row">`). */
  rowHeaders?: boolean;
  /** `fr-table--no-caption`… */
  className?: string;
}

/** A DSFR table with its caption and header cells (`scope`). */
export function table(o: TableOptions): Html {
  const body = o.rows.length
    ? o.rows.map(
        (row) =>
          html`<tr>
            ${row.map((cell, i) =>
              i === 0 && o.rowHeaders ? html`<th scope="row">${cell}</th>` : html`<td>${cell}</td>`,
            )}
          </tr>`,
      )
    : html`<tr>
        <td colspan="${o.head.length}">${o.empty ?? 'Aucun élément.'}</td>
      </tr>`;
  return html`<div class="fr-table ${o.className ?? ''}">
    <div class="fr-table__wrapper">
      <div class="fr-table__container" tabindex="0" role="region" aria-label="${o.caption}">
        <div class="fr-table__content">
          <table>
            <caption>
              ${o.caption}
            </caption>
            <thead>
              <tr>
                ${o.head.map((h) => html`<th scope="col">${h}</th>`)}
              </tr>
            </thead>
            <tbody>
              ${body}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  </div>`;
}

export function badge(text: string, className = ''): Html {
  return html`<span class="fr-badge fr-badge--sm ${className}">${text}</span>`;
}

export function alert(
  kind: 'success' | 'error' | 'info' | 'warning',
  text: string | Html,
  title?: string,
): Html {
  return html`<div
    class="fr-alert fr-alert--${kind} ${title ? '' : 'fr-alert--sm'} fr-mb-3w"
    role="${kind === 'error' ? 'alert' : 'status'}"
  >
    ${title ? html`<p class="fr-alert__title">${title}</p>` : null}
    <p>${text}</p>
  </div>`;
}

export function dateTime(instant: Date | string | null | undefined): string {
  return instant ? formatDayTimeFr(instant) : '—';
}

export function day(instant: Date | string | null | undefined): string {
  return instant ? formatDayFr(instant) : '—';
}

/** A query string from parameters (empty ones left out). */
export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * DSFR paging: previous, the pages around the current one, next. `params` are the filters kept in
 * each link.
 */
export function pagination(
  path: string,
  params: Record<string, string | number | boolean | undefined | null>,
  page: { offset: number; limit: number; total: number },
): Html | null {
  const pages = Math.max(1, Math.ceil(page.total / page.limit));
  const current = Math.floor(page.offset / page.limit) + 1;
  if (pages <= 1) return null;
  const href = (n: number) =>
    `${path}${queryString({ ...params, offset: (n - 1) * page.limit || undefined })}`;
  const shown = [...new Set([1, current - 1, current, current + 1, pages])]
    .filter((n) => n >= 1 && n <= pages)
    .sort((a, b) => a - b);
  const link = (n: number) =>
    n === current
      ? html`<li><a class="fr-pagination__link" aria-current="page" title="Page ${n}">${n}</a></li>`
      : html`<li><a class="fr-pagination__link" href="${href(n)}" title="Page ${n}">${n}</a></li>`;
  return html`<nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">
    <ul class="fr-pagination__list">
      <li>
        ${
          current > 1
            ? html`<a
                class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"
                href="${href(current - 1)}"
                >Page précédente</a
              >`
            : html`<a
                class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"
                aria-disabled="true"
                role="link"
                >Page précédente</a
              >`
        }
      </li>
      ${shown.map((n, i) =>
        i > 0 && n - shown[i - 1]! > 1
          ? html`<li><span class="fr-pagination__link fr-displayed-lg">…</span></li>
              ${link(n)}`
          : link(n),
      )}
      <li>
        ${
          current < pages
            ? html`<a
                class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
                href="${href(current + 1)}"
                >Page suivante</a
              >`
            : html`<a
                class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
                aria-disabled="true"
                role="link"
                >Page suivante</a
              >`
        }
      </li>
    </ul>
  </nav>`;
}

/** A `<select>` of a GET filter form, with its label. */
export function filterSelect(o: {
  id: string;
  name: string;
  label: string;
  value: string | undefined;
  options: { value: string; label: string }[];
  allLabel: string;
}): Html {
  return html`<div class="fr-select-group">
    <label class="fr-label" for="${o.id}">${o.label}</label>
    <select class="fr-select" id="${o.id}" name="${o.name}">
      <option value="" ${!o.value ? html` selected` : null}>${o.allLabel}</option>
      ${o.options.map(
        (opt) =>
          html`<option value="${opt.value}" ${opt.value === o.value ? html` selected` : null}>
            ${opt.label}
          </option>`,
      )}
    </select>
  </div>`;
}

/** One string of a query (`?phase=…`): the first value, if any. */
export function queryValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
