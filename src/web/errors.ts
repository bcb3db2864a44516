import type { NextFunction, Request, Response } from 'express';
import { REFUSAL_STATUS, isUnavailable } from '../api/errors.js';
import { HttpError } from '../api/problem.js';
import { Refusal } from '../app/refusal.js';
import type { Logger } from '../logger.js';
import { maybeWebUserOf } from './auth/middleware.js';
import { renderErrorPage } from './layout.js';

/** A path of the console that matches no page: a 404 page (in the layout, signed in or not). */
export function notFoundPage() {
  return (req: Request, res: Response) => {
    sendError(req, res, 404, 'Page introuvable', 'La page demandée n’existe pas ou a été déplacée.');
  };
}

function sendError(_req: Request, res: Response, status: number, title: string, text: string): void {
  const webUser = maybeWebUserOf(res);
  res
    .status(status)
    .type('html')
    .send(
      renderErrorPage(
        status,
        title,
        text,
        webUser ? { user: { name: webUser.name, role: webUser.user.role }, csrf: webUser.csrf } : {},
      ),
    );
}

/**
 * The console's errors as French pages, never JSON: a refusal of a use case with its status and
 * sentence, a dependency down as 503 (try again), anything else as 500 (logged).
 */
export function webErrorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err instanceof Refusal) {
      const status = REFUSAL_STATUS[err.kind];
      return sendError(req, res, status, status === 403 ? 'Accès refusé' : 'Action impossible', err.message);
    }
    if (err instanceof HttpError) return sendError(req, res, err.status, 'Requête refusée', err.detail);
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') {
      return sendError(
        req,
        res,
        413,
        'Formulaire trop volumineux',
        'Le formulaire dépasse 50 ko : raccourcissez-le.',
      );
    }
    if (e.status === 404) return notFoundPage()(req, res);
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendError(
        req,
        res,
        400,
        'Requête invalide',
        'Le formulaire reçu ne peut pas être traité tel quel.',
      );
    }
    if (isUnavailable(err)) {
      logger.warn({ err: (err as Error).message, route: req.route?.path }, 'dependency unavailable');
      return sendError(
        req,
        res,
        503,
        'Service momentanément indisponible',
        'La base de données ou le moteur de workflows ne répond pas. Réessayez dans un instant.',
      );
    }
    logger.error({ err, route: req.route?.path }, 'unhandled error');
    return sendError(
      req,
      res,
      500,
      'Erreur inattendue',
      'Une erreur inattendue est survenue ; elle a été journalisée.',
    );
  };
}
