import { formatDayTimeFr } from '../../domain/paris-time.js';
import { html } from '../html.js';
import { renderPage } from '../layout.js';

/** The answer to every request for a link, whether an account matches or not. */
export const LINK_SENT_TEXT =
  'Si un compte correspond à cette adresse, un lien de connexion vient d’être envoyé ; il est valable 15 minutes.';

const narrow = (inner: ReturnType<typeof html>) =>
  html`<div class="fr-grid-row fr-grid-row--center">
    <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">${inner}</div>
  </div>`;

/** The sign-in through the OpenID Connect provider (ProConnect), above the e-mail form. */
function oidcButton(label: string) {
  return html`<div class="fr-mb-4w">
      <ul class="fr-btns-group">
        <li><a class="fr-btn" href="/connexion/oidc">${label}</a></li>
      </ul>
    </div>
    <p class="fr-hr-or">ou</p>`;
}

export function loginPage(opts: {
  csrf: string;
  email?: string;
  error?: string;
  loggedOut?: boolean;
  /** The OpenID Connect button's label, when that sign-in is configured. */
  oidcLabel?: string | undefined;
}): string {
  const error = opts.error;
  return renderPage({
    title: error ? 'Erreur : connexion' : 'Connexion',
    flash: opts.loggedOut ? { kind: 'info', text: 'Vous êtes déconnecté.' } : null,
    main: narrow(
      html`<h1>Connexion à Parcours VAE</h1>
        ${opts.oidcLabel ? oidcButton(opts.oidcLabel) : ''}
        <p>
          Saisissez l’adresse électronique de votre compte : vous recevrez par courriel un lien de connexion,
          valable 15 minutes et utilisable une seule fois. Aucun mot de passe n’est nécessaire.
        </p>
        <form method="post" action="/connexion">
          <input type="hidden" name="_csrf" value="${opts.csrf}" />
          <div class="fr-input-group${error ? ' fr-input-group--error' : ''}">
            <label class="fr-label" for="email"
              >Adresse électronique
              <span class="fr-hint-text">Format attendu : nom@domaine.fr</span>
            </label>
            <input
              class="fr-input${error ? ' fr-input--error' : ''}"
              type="email"
              id="email"
              name="email"
              autocomplete="email"
              spellcheck="false"
              required
              value="${opts.email ?? ''}"
              ${error ? html`aria-describedby="email-error" aria-invalid="true"` : ''}
            />
            ${error ? html`<p id="email-error" class="fr-error-text">${error}</p>` : ''}
          </div>
          <button class="fr-btn" type="submit">Recevoir un lien de connexion</button>
        </form>
        <p class="fr-text--sm fr-mt-4w">
          Les systèmes automatisés (scripts, intégrations) utilisent l’API avec un jeton d’API, pas cette
          page.
        </p>`,
    ),
  });
}

export function linkSentPage(): string {
  return renderPage({
    title: 'Vérifiez votre messagerie',
    main: narrow(
      html`<h1>Vérifiez votre messagerie</h1>
        <div class="fr-alert fr-alert--info fr-mb-4w">
          <p>${LINK_SENT_TEXT}</p>
        </div>
        <p>
          Ouvrez le lien reçu, puis cliquez sur « Se connecter ». Rien reçu après quelques minutes ? Vérifiez
          vos courriers indésirables, ou <a href="/connexion">demandez un nouveau lien</a>.
        </p>`,
    ),
  });
}

export function linkPage(opts: {
  token: string;
  csrf: string;
  name: string;
  email: string;
  expiresAt: Date;
}): string {
  return renderPage({
    title: 'Se connecter',
    main: narrow(
      html`<h1>Se connecter à Parcours VAE</h1>
        <p>
          Ce lien de connexion est celui de <strong>${opts.name}</strong> (${opts.email}). Il est valable
          jusqu’au ${formatDayTimeFr(opts.expiresAt)} (heure de Paris) et ne sert qu’une fois ; la session
          ouverte dure 8 heures.
        </p>
        <form method="post" action="/connexion/lien/${opts.token}">
          <input type="hidden" name="_csrf" value="${opts.csrf}" />
          <button class="fr-btn" type="submit">Se connecter</button>
        </form>
        <p class="fr-text--sm fr-mt-4w">
          Vous n’avez pas demandé à vous connecter ? Ne cliquez pas : ce lien expirera de lui-même.
        </p>`,
    ),
  });
}
