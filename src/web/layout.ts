import { CREATION_ROLES } from '../domain/access.js';
import type { UserRole } from '../domain/roles.js';
import { html, type Html } from './html.js';
import { DSFR_ASSETS } from './dsfr-assets.js';

export interface Flash {
  kind: 'success' | 'error' | 'info';
  text: string;
}

export interface PageOptions {
  /** The page's own title, « {title} — Parcours VAE » in the tab. */
  title: string;
  /** The signed-in user: the navigation and the logout button follow. */
  user?: { name: string; role: string } | null;
  /** The session's CSRF token, for the logout form. */
  csrf?: string;
  /** The page's content; it brings its own `<h1>`. */
  main: Html;
  flash?: Flash | null;
  /** Last item = the current page (without href). */
  breadcrumb?: { label: string; href?: string }[];
  /** Path of the page, to mark its navigation entry (`aria-current="page"`). */
  current?: string;
}

interface NavItem {
  label: string;
  href: string;
}

/** The console's entries, by role (the pages check access themselves: this is only the menu). */
export function navigationFor(role: string): NavItem[] {
  const items: NavItem[] = [
    { label: 'Boîte de réception', href: '/' },
    { label: 'Candidatures', href: '/candidatures' },
  ];
  if ((CREATION_ROLES as readonly string[]).includes(role)) {
    items.push({ label: 'Nouvelle candidature', href: '/candidatures/nouvelle' });
  }
  if (role === ('jury_organiser' satisfies UserRole) || role === ('certifier' satisfies UserRole)) {
    items.push({ label: 'Jurys', href: '/jury' });
  }
  if (role === ('project_lead' satisfies UserRole) || role === ('administrator' satisfies UserRole)) {
    items.push({ label: 'Projets', href: '/projets' });
    items.push({ label: 'Indicateurs', href: '/indicateurs' });
  }
  return items;
}

/** The entry of the current path: the longest href that is the path or one of its parents. */
function currentHref(items: NavItem[], path: string | undefined): string | undefined {
  if (!path) return undefined;
  const matching = items.filter(
    (i) =>
      i.href === path || (i.href !== '/' && path.startsWith(i.href.endsWith('/') ? i.href : i.href + '/')),
  );
  return matching.sort((a, b) => b.href.length - a.href.length)[0]?.href;
}

const SERVICE = 'Parcours VAE';
const TAGLINE = 'Validation des acquis de l’expérience, bloc par bloc';

function logoutForm(csrf: string | undefined): Html {
  return html`<form method="post" action="/deconnexion" class="pvae-logout">
    <input type="hidden" name="_csrf" value="${csrf ?? ''}" />
    <button type="submit" class="fr-btn fr-icon-logout-box-r-line">Se déconnecter</button>
  </form>`;
}

function userTools(user: { name: string; role: string }, csrf: string | undefined): Html {
  return html`<ul class="fr-btns-group">
    <li><span class="fr-btn fr-icon-account-circle-line pvae-user">${user.name}</span></li>
    <li>${logoutForm(csrf)}</li>
  </ul>`;
}

function header(opts: PageOptions): Html {
  const user = opts.user ?? null;
  const items = user ? navigationFor(user.role) : [];
  const active = currentHref(items, opts.current);
  // No modal and no burger button: DSFR's JavaScript is not loaded, so the menu is always shown
  // (below the header on small screens) and the tools are repeated in `fr-header__menu-links`,
  // which DSFR shows only on small screens, where `fr-header__tools-links` is hidden.
  return html`<header role="banner" class="fr-header">
    <div class="fr-header__body">
      <div class="fr-container">
        <div class="fr-header__body-row">
          <div class="fr-header__brand fr-enlarge-link">
            <div class="fr-header__brand-top">
              <div class="fr-header__logo">
                <p class="fr-logo">République<br />française</p>
              </div>
            </div>
            <div class="fr-header__service">
              <a href="/" title="Accueil — ${SERVICE}">
                <p class="fr-header__service-title">${SERVICE}</p>
              </a>
              <p class="fr-header__service-tagline">${TAGLINE}</p>
            </div>
          </div>
          ${
            user
              ? html`<div class="fr-header__tools">
                  <div class="fr-header__tools-links">${userTools(user, opts.csrf)}</div>
                </div>`
              : ''
          }
        </div>
      </div>
    </div>
    ${
      user
        ? html`<div class="fr-header__menu pvae-header__menu">
            <div class="fr-container">
              <div class="fr-header__menu-links">${userTools(user, opts.csrf)}</div>
              <nav class="fr-nav" id="navigation" role="navigation" aria-label="Menu principal">
                <ul class="fr-nav__list">
                  ${items.map(
                    (i) =>
                      html`<li class="fr-nav__item">
                        <a
                          class="fr-nav__link"
                          href="${i.href}"
                          ${i.href === active ? html`aria-current="page"` : ''}
                          >${i.label}</a
                        >
                      </li>`,
                  )}
                </ul>
              </nav>
            </div>
          </div>`
        : ''
    }
  </header>`;
}

function skipLinks(withNavigation: boolean): Html {
  return html`<div class="fr-skiplinks">
    <nav class="fr-container" role="navigation" aria-label="Accès rapide">
      <ul class="fr-skiplinks__list">
        <li><a class="fr-link" href="#contenu">Contenu</a></li>
        ${withNavigation ? html`<li><a class="fr-link" href="#navigation">Menu</a></li>` : ''}
        <li><a class="fr-link" href="#pied-de-page">Pied de page</a></li>
      </ul>
    </nav>
  </div>`;
}

function breadcrumb(items: { label: string; href?: string }[] | undefined): Html | '' {
  if (!items?.length) return '';
  // Without DSFR's JavaScript the collapsible variant would stay closed on small screens: the list
  // is always shown.
  return html`<nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
    <ol class="fr-breadcrumb__list pvae-breadcrumb__list">
      ${items.map((item, i) =>
        item.href && i < items.length - 1
          ? html`<li><a class="fr-breadcrumb__link" href="${item.href}">${item.label}</a></li>`
          : html`<li><a class="fr-breadcrumb__link" aria-current="page">${item.label}</a></li>`,
      )}
    </ol>
  </nav>`;
}

function flashAlert(flash: Flash | null | undefined): Html | '' {
  if (!flash) return '';
  return html`<div class="fr-alert fr-alert--${flash.kind} fr-alert--sm fr-mb-4w" role="status">
    <p>${flash.text}</p>
  </div>`;
}

function footer(): Html {
  return html`<footer class="fr-footer" role="contentinfo" id="pied-de-page">
    <div class="fr-container">
      <div class="fr-footer__body">
        <div class="fr-footer__brand fr-enlarge-link">
          <a href="/" title="Retour à l’accueil — ${SERVICE}">
            <p class="fr-logo">République<br />française</p>
          </a>
        </div>
        <div class="fr-footer__content">
          <p class="fr-footer__content-desc">
            ${SERVICE} : la console des conseillers, certificateurs, accompagnateurs et organisateurs de jurys
            qui suivent les parcours de validation des acquis de l’expérience (VAE). Les dates et heures sont
            celles de Paris.
          </p>
          <ul class="fr-footer__content-list">
            <li class="fr-footer__content-item">
              <a class="fr-footer__content-link" href="https://vae.gouv.fr">vae.gouv.fr</a>
            </li>
            <li class="fr-footer__content-item">
              <a class="fr-footer__content-link" href="https://www.service-public.fr">service-public.fr</a>
            </li>
            <li class="fr-footer__content-item">
              <a class="fr-footer__content-link" href="https://www.legifrance.gouv.fr">legifrance.gouv.fr</a>
            </li>
          </ul>
        </div>
      </div>
      <div class="fr-footer__bottom">
        <ul class="fr-footer__bottom-list">
          <li class="fr-footer__bottom-item">
            <span class="fr-footer__bottom-link">Accessibilité : non conforme</span>
          </li>
        </ul>
        <div class="fr-footer__bottom-copy">
          <p>
            Sauf mention contraire, les contenus de ce site sont proposés sous
            <a href="https://github.com/etalab/licence-ouverte/blob/master/LO.md">licence etalab-2.0</a>.
          </p>
        </div>
      </div>
    </div>
  </footer>`;
}

/** A whole DSFR page of the console (French, light scheme, no JavaScript). */
export function renderPage(opts: PageOptions): string {
  const user = opts.user ?? null;
  const page = html`<!doctype html>
    <html lang="fr" data-fr-scheme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
        <meta name="format-detection" content="telephone=no,date=no,address=no,email=no,url=no" />
        <meta name="theme-color" content="#000091" />
        <title>${opts.title} — ${SERVICE}</title>
        <link rel="stylesheet" href="${DSFR_ASSETS.css}" />
        <link rel="stylesheet" href="${DSFR_ASSETS.icons}" />
        <link rel="apple-touch-icon" href="${DSFR_ASSETS.favicon}/apple-touch-icon.png" />
        <link rel="icon" href="${DSFR_ASSETS.favicon}/favicon.svg" type="image/svg+xml" />
        <link rel="shortcut icon" href="${DSFR_ASSETS.favicon}/favicon.ico" type="image/x-icon" />
        <style>
          .pvae-logout {
            display: inline;
            margin: 0;
          }
          .fr-header .fr-btns-group .fr-btn.pvae-user {
            cursor: default;
            color: var(--text-mention-grey);
          }
          .fr-header .fr-btns-group .fr-btn.pvae-user:hover {
            background-color: transparent;
          }
          .pvae-breadcrumb__list {
            display: flex;
          }
        </style>
      </head>
      <body>
        ${skipLinks(user !== null)} ${header(opts)}
        <main id="contenu" role="main" tabindex="-1">
          <div class="fr-container fr-my-6w">
            ${breadcrumb(opts.breadcrumb)} ${flashAlert(opts.flash)} ${opts.main}
          </div>
        </main>
        ${footer()}
      </body>
    </html>`;
  return page.value;
}

const ERROR_TITLES: Record<number, string> = {
  400: 'Requête invalide',
  403: 'Accès refusé',
  404: 'Page introuvable',
  410: 'Lien expiré',
  413: 'Formulaire trop volumineux',
  429: 'Trop de demandes',
  500: 'Erreur inattendue',
  503: 'Service momentanément indisponible',
};

/**
 * An error page (403, 404, 410, 429, 503…): the status code in small, the title as the page's h1,
 * the explanation, and a way back (by default, the home page).
 */
export function renderErrorPage(
  status: number,
  title: string,
  text: string,
  extra: {
    user?: { name: string; role: string } | null;
    csrf?: string;
    action?: { label: string; href: string };
  } = {},
): string {
  const action = extra.action ?? { label: 'Retour à l’accueil', href: '/' };
  return renderPage({
    title,
    user: extra.user,
    csrf: extra.csrf,
    main: html`<div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
        <h1>${title}</h1>
        <p class="fr-text--sm fr-mb-3w">Erreur ${status} — ${ERROR_TITLES[status] ?? 'Erreur'}</p>
        <p class="fr-text--lead fr-mb-5w">${text}</p>
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li><a class="fr-btn" href="${action.href}">${action.label}</a></li>
        </ul>
      </div>
    </div>`,
  });
}
