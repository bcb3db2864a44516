import type { NextFunction, Request, Response } from 'express';
import type { Kysely } from 'kysely';
import type { AuthenticatedUser } from '../../api/auth.js';
import type { Database } from '../../db/schema.js';
import { renderErrorPage } from '../layout.js';
import { sameSecret } from './secrets.js';
import { loadWebSession } from './sessions.js';
import { clearSessionCookie, readSessionCookie } from './session-cookie.js';
import { rememberReturnPath } from './return-to.js';

/** The signed-in user of a console request (`res.locals.webUser`). */
export interface WebUser {
  /** The same shape as the API's caller, so pages call the same use cases. */
  user: AuthenticatedUser;
  name: string;
  email: string;
  /** The session's CSRF token: every form carries it as `_csrf`. */
  csrf: string;
  /** SHA-256 of the session cookie (the table's key; not a credential). */
  sessionId: string;
  expiresAt: Date;
}

/** Reads the session cookie; on a valid session, puts the user on `res.locals.webUser`. */
export function loadWebUser(db: Kysely<Database>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const cookie = readSessionCookie(req);
    if (cookie === undefined) return next();
    const session = await loadWebSession(db, cookie);
    if (!session) {
      // Expired, logged out elsewhere or forged: treated as logged out, and the cookie goes.
      clearSessionCookie(req, res);
      return next();
    }
    res.locals.webUser = {
      user: {
        id: session.userId,
        operatorId: session.operatorId,
        role: session.role,
        tokenId: `web-session:${session.idHash}`,
      },
      name: session.name,
      email: session.email,
      csrf: session.csrf,
      sessionId: session.idHash,
      expiresAt: session.expiresAt,
    } satisfies WebUser;
    next();
  };
}

export function maybeWebUserOf(res: Response): WebUser | undefined {
  return res.locals.webUser as WebUser | undefined;
}

/** The signed-in user; only for handlers behind requireWebUser. */
export function webUserOf(res: Response): WebUser {
  const webUser = maybeWebUserOf(res);
  if (!webUser) throw new Error('webUserOf: no signed-in user (route not behind requireWebUser)');
  return webUser;
}

/** What renderPage needs of the signed-in user: `renderPage({ ...pageChrome(res), title, main })`. */
export function pageChrome(res: Response): { user: { name: string; role: string }; csrf: string } {
  const w = webUserOf(res);
  return { user: { name: w.name, role: w.user.role }, csrf: w.csrf };
}

const READS = new Set(['GET', 'HEAD']);

/** Not signed in: a page is redirected to the login (303), a form answers a 403 page. */
export function requireWebUser() {
  return (req: Request, res: Response, next: NextFunction) => {
    // Pages with personal data: kept by no cache (nor shown again by Back after a logout).
    res.setHeader('Cache-Control', 'no-store');
    if (maybeWebUserOf(res)) return next();
    if (READS.has(req.method)) {
      rememberReturnPath(req, res);
      return res.redirect(303, '/connexion');
    }
    res
      .status(403)
      .type('html')
      .send(
        renderErrorPage(
          403,
          'Session expirée',
          'Vous n’êtes pas connecté ou votre session a expiré : votre formulaire n’a pas été enregistré. Connectez-vous, puis recommencez.',
          { action: { label: 'Se connecter', href: '/connexion' } },
        ),
      );
  };
}

/** True when the form's `_csrf` is the session's token (constant-time comparison). */
export function csrfMatches(req: Request, webUser: WebUser): boolean {
  const token = (req.body as Record<string, unknown> | undefined)?._csrf;
  return typeof token === 'string' && sameSecret(token, webUser.csrf);
}

export function sendCsrfRefusal(res: Response, webUser: WebUser | undefined): void {
  res
    .status(403)
    .type('html')
    .send(
      renderErrorPage(
        403,
        'Formulaire expiré ou invalide',
        'Ce formulaire n’a pas été reconnu (page trop ancienne, ou envoyée depuis un autre site) : rien n’a été enregistré. Rechargez la page et recommencez.',
        webUser ? { user: { name: webUser.name, role: webUser.user.role }, csrf: webUser.csrf } : {},
      ),
    );
}

/** Every request that is not a read must carry the session's CSRF token as `_csrf`: else 403. */
export function requireCsrf() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (READS.has(req.method) || req.method === 'OPTIONS') return next();
    const webUser = webUserOf(res);
    if (!csrfMatches(req, webUser)) return sendCsrfRefusal(res, webUser);
    next();
  };
}
