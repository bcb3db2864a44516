import { Router, type Request, type Response } from 'express';
import { inspectText } from '../../api/schemas/text.js';
import type { WebDeps } from '../deps.js';
import { renderErrorPage } from '../layout.js';
import { checkFormToken, issueFormToken } from './form-token.js';
import { loginEmail } from './login-email.js';
import {
  consumeLoginLink,
  createLoginLink,
  findUsableLink,
  findUserByEmail,
  purgeExpiredLinks,
} from './login-links.js';
import { csrfMatches, maybeWebUserOf, sendCsrfRefusal } from './middleware.js';
import { linkPage, linkSentPage, loginPage } from './pages.js';
import { loginRateLimiters, type LoginRateLimits } from './rate-limits.js';
import { takeReturnPath } from './return-to.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.js';
import { deleteWebSession, openWebSession } from './sessions.js';

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

function send(res: Response, status: number, page: string): void {
  // Pages of the login hold single-use tokens: never cached.
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).type('html').send(page);
}

function formExpired(res: Response): void {
  send(
    res,
    403,
    renderErrorPage(
      403,
      'Formulaire expiré ou invalide',
      'Ce formulaire n’a pas été reconnu (page trop ancienne, ou envoyée depuis un autre site) : rien n’a été fait. Rechargez la page et recommencez.',
      { action: { label: 'Retour à la connexion', href: '/connexion' } },
    ),
  );
}

function linkGone(res: Response): void {
  send(
    res,
    410,
    renderErrorPage(
      410,
      'Ce lien a expiré ou a déjà servi',
      'Un lien de connexion est valable 15 minutes et ne sert qu’une fois. Demandez-en un nouveau : il vous sera envoyé par courriel.',
      { action: { label: 'Demander un nouveau lien', href: '/connexion' } },
    ),
  );
}

function tokenOf(req: Request): string {
  return String(req.params.token ?? '');
}

/**
 * The passwordless login: GET/POST /connexion (ask for a link by e-mail), GET/POST
 * /connexion/lien/:token (the e-mailed link shows a button; pressing it opens the session). These
 * routes run before the session is loaded: their forms carry a signed double-submit token
 * (form-token.ts) instead of the session's CSRF token.
 */
export function loginRoutes(deps: WebDeps, limits?: LoginRateLimits): Router {
  const router = Router();

  router.get('/connexion', (req, res) => {
    send(
      res,
      200,
      loginPage({
        csrf: issueFormToken(req, res, deps.linkSigner),
        loggedOut: req.query.deconnexion === '1',
        oidcLabel: deps.oidc?.label,
      }),
    );
  });

  router.post('/connexion', ...loginRateLimiters(deps.db, limits), async (req, res) => {
    if (!checkFormToken(req, deps.linkSigner, deps.publicUrl)) return formExpired(res);
    const mailer = deps.mailer;
    if (!mailer) {
      return send(
        res,
        503,
        renderErrorPage(
          503,
          'Connexion momentanément indisponible',
          'L’envoi des liens de connexion n’est pas configuré sur ce serveur (SMTP). Réessayez plus tard ou prévenez l’équipe technique.',
          { action: { label: 'Retour à la connexion', href: '/connexion' } },
        ),
      );
    }
    const raw = (req.body as Record<string, unknown>).email;
    const email = typeof raw === 'string' ? raw.trim() : '';
    // Control characters and malformed Unicode as the API refuses them (never sent to PostgreSQL).
    const dirty = inspectText(email);
    if (dirty || email.length > 254 || !EMAIL.test(email)) {
      return send(
        res,
        400,
        loginPage({
          csrf: issueFormToken(req, res, deps.linkSigner),
          email: dirty ? '' : email.slice(0, 254),
          error: dirty
            ? `Adresse électronique refusée : ${dirty.message}`
            : email
              ? 'Saisissez une adresse électronique valide, par exemple nom@domaine.fr.'
              : 'Saisissez votre adresse électronique.',
          oidcLabel: deps.oidc?.label,
        }),
      );
    }
    const user = await findUserByEmail(deps.db, email);
    if (user) {
      await purgeExpiredLinks(deps.db);
      const { token, expiresAt } = await createLoginLink(deps.db, user.id, req.ip);
      const mail = loginEmail({
        from: deps.mailFrom ?? 'Parcours VAE <ne-pas-repondre@parcours-vae.local>',
        to: user.email,
        name: user.name,
        link: `${deps.publicUrl}/connexion/lien/${token}`,
        expiresAt,
      });
      // Sent in the background: the answer takes the same time whether an account matches or not.
      mailer.send(mail).then(
        () => deps.logger.info({ userId: user.id }, 'login link sent'),
        (err: { code?: string; responseCode?: number }) =>
          deps.logger.warn(
            { userId: user.id, code: err.code, responseCode: err.responseCode },
            'login link not sent',
          ),
      );
    }
    send(res, 200, linkSentPage());
  });

  router.get('/connexion/lien/:token', async (req, res) => {
    const link = await findUsableLink(deps.db, tokenOf(req));
    if (!link) return linkGone(res);
    send(
      res,
      200,
      linkPage({
        token: tokenOf(req),
        csrf: issueFormToken(req, res, deps.linkSigner),
        name: link.name,
        email: link.email,
        expiresAt: link.expiresAt,
      }),
    );
  });

  router.post('/connexion/lien/:token', async (req, res) => {
    if (!checkFormToken(req, deps.linkSigner, deps.publicUrl)) return formExpired(res);
    const previous = readSessionCookie(req);
    const session = await deps.db.transaction().execute(async (trx) => {
      const userId = await consumeLoginLink(trx, tokenOf(req));
      if (!userId) return null;
      return openWebSession(trx, userId, previous);
    });
    if (!session) return linkGone(res);
    setSessionCookie(req, res, session.cookie);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, takeReturnPath(req, res));
  });

  return router;
}

/** POST /deconnexion (after loadWebUser): ends the session, clears the cookie, back to /connexion. */
export function logoutRoutes(deps: WebDeps): Router {
  const router = Router();
  router.post('/deconnexion', async (req, res) => {
    const webUser = maybeWebUserOf(res);
    if (webUser) {
      if (!csrfMatches(req, webUser)) return sendCsrfRefusal(res, webUser);
      const cookie = readSessionCookie(req);
      if (cookie) await deleteWebSession(deps.db, cookie);
    }
    clearSessionCookie(req, res);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, '/connexion?deconnexion=1');
  });
  return router;
}
