import { Router, type Response } from 'express';
import type { WebDeps } from '../deps.js';
import { renderErrorPage } from '../layout.js';
import { findUserByEmail } from './login-links.js';
import { OidcRefused, OidcUnavailable, type OidcClient } from './oidc-client.js';
import { clearOidcStateCookie, readOidcStateCookie, setOidcStateCookie } from './oidc-state.js';
import { readSessionCookie, setSessionCookie } from './session-cookie.js';
import { openWebSession } from './sessions.js';
import { takeReturnPath } from './return-to.js';

/** Where the provider sends the browser back: PUBLIC_URL + this, to register at the provider. */
export const OIDC_CALLBACK_PATH = '/connexion/oidc/retour';

const BACK = { action: { label: 'Retour à la connexion', href: '/connexion' } };

function send(res: Response, status: number, title: string, text: string): void {
  res.setHeader('Cache-Control', 'no-store');
  res
    .status(status)
    .type('html')
    .send(renderErrorPage(status, title, text, BACK));
}

function unavailable(res: Response): void {
  send(
    res,
    503,
    'Connexion momentanément indisponible',
    'Le service d’identification ne répond pas pour le moment. Réessayez dans quelques minutes, ou recevez un lien de connexion par courriel.',
  );
}

function refused(res: Response, err: OidcRefused): void {
  if (err.kind === 'denied') {
    return send(
      res,
      403,
      'Connexion annulée',
      'La connexion a été annulée ou refusée par le service d’identification : vous n’êtes pas connecté. Vous pouvez recommencer.',
    );
  }
  send(
    res,
    400,
    'La connexion n’a pas abouti',
    'La réponse du service d’identification n’a pas pu être vérifiée (connexion trop ancienne, interrompue ou ouverte dans un autre navigateur) : vous n’êtes pas connecté. Recommencez depuis la page de connexion.',
  );
}

/**
 * The sign-in through the OpenID Connect provider, when configured: GET /connexion/oidc sends the
 * browser to the provider; GET /connexion/oidc/retour checks its answer, finds the user by the
 * e-mail the provider vouches for and opens the session as the e-mailed link does. The user must
 * already have an account: nothing is created.
 */
export function oidcRoutes(deps: WebDeps, oidc: OidcClient): Router {
  const router = Router();

  router.get('/connexion/oidc', async (req, res) => {
    let started;
    try {
      started = await oidc.start();
    } catch (err) {
      if (!(err instanceof OidcUnavailable)) throw err;
      deps.logger.warn({ err: err.message }, 'oidc provider unavailable');
      return unavailable(res);
    }
    setOidcStateCookie(req, res, deps.linkSigner, started.checks);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, started.url.href);
  });

  router.get(OIDC_CALLBACK_PATH, async (req, res) => {
    const checks = readOidcStateCookie(req, deps.linkSigner);
    // One answer per sign-in started: whatever comes next, the checks are spent.
    clearOidcStateCookie(req, res);
    const query = new URL(req.originalUrl, 'http://localhost').search;
    if (!checks) {
      deps.logger.info('oidc callback without a sign-in under way');
      return refused(res, new OidcRefused('invalid', 'no_state_cookie'));
    }
    let identity;
    try {
      identity = await oidc.finish(query, checks);
    } catch (err) {
      if (err instanceof OidcUnavailable) {
        deps.logger.warn({ err: err.message }, 'oidc provider unavailable');
        return unavailable(res);
      }
      if (err instanceof OidcRefused) {
        deps.logger.info({ kind: err.kind, code: err.code }, 'oidc sign-in refused');
        return refused(res, err);
      }
      throw err;
    }
    if (!identity.email) {
      deps.logger.info('oidc sign-in without an e-mail claim');
      return send(
        res,
        403,
        'Adresse électronique manquante',
        'Le service d’identification n’a pas transmis d’adresse électronique : votre compte ne peut pas être retrouvé. Contactez l’administrateur de Parcours VAE, ou recevez un lien de connexion par courriel.',
      );
    }
    if (identity.emailVerified === false) {
      deps.logger.info('oidc sign-in with an unverified e-mail');
      return send(
        res,
        403,
        'Adresse électronique non vérifiée',
        'Le service d’identification indique que votre adresse électronique n’a pas été vérifiée : elle ne peut pas servir à vous connecter. Vérifiez-la auprès de ce service, puis recommencez.',
      );
    }
    const user = await findUserByEmail(deps.db, identity.email);
    if (!user) {
      deps.logger.info('oidc sign-in for an address without an account');
      return send(
        res,
        403,
        'Aucun compte pour cette adresse',
        `Aucun compte Parcours VAE n’est associé à l’adresse ${identity.email}. Contactez l’administrateur de Parcours VAE pour qu’il vous en ouvre un.`,
      );
    }
    const previous = readSessionCookie(req);
    const session = await deps.db.transaction().execute((trx) => openWebSession(trx, user.id, previous));
    deps.logger.info({ userId: user.id }, 'oidc sign-in');
    setSessionCookie(req, res, session.cookie);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, takeReturnPath(req, res));
  });

  return router;
}
