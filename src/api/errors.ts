import type { NextFunction, Request, Response } from 'express';
import { Refusal, type RefusalKind } from '../app/refusal.js';
import type { Logger } from '../logger.js';
import { HttpError, problem, sendProblem, type Problem } from './problem.js';

/** The one place where a use case's refusal becomes an HTTP status. */
export const REFUSAL_STATUS: Record<RefusalKind, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
};

/**
 * A refusal as a problem body: its code, its French sentence as `detail`, and its details as
 * fields of their own (`errors` of an invalid one, `phase` and `allowedActions` of a conflict…).
 */
export function refusalProblem(refusal: Refusal): Problem {
  return problem(REFUSAL_STATUS[refusal.kind], refusal.code, refusal.message, refusal.details);
}

/** A query PostgreSQL cancelled at the pool's statement timeout (57014): the server is too slow now. */
export function isQueryTimeout(err: unknown): boolean {
  return (err as { code?: unknown }).code === '57014';
}

/** Connection-level failures of Postgres or Temporal, or a query timed out: the client may retry later (503). */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string | number; name?: string; message?: string; cause?: unknown };
  if (isQueryTimeout(err)) return true;
  if (
    typeof e.code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '53300'].includes(e.code)
  ) {
    return true;
  }
  if (e.name === 'ServiceError' || e.name === 'TransportError') return true;
  // gRPC DEADLINE_EXCEEDED (4) and UNAVAILABLE (14).
  if (typeof e.code === 'number' && (e.code === 4 || e.code === 14)) return true;
  if (
    typeof e.message === 'string' &&
    /timeout exceeded when trying to connect|Connection terminated/i.test(e.message)
  ) {
    return true;
  }
  return e.cause !== undefined && e.cause !== err && isUnavailable(e.cause);
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err instanceof Refusal) {
      if (err.kind === 'unavailable') logger.warn({ code: err.code, route: req.route?.path }, err.message);
      return sendProblem(res, refusalProblem(err));
    }
    if (err instanceof HttpError) {
      if (err.status === 503) logger.warn({ code: err.code, route: req.route?.path }, err.message);
      return sendProblem(res, problem(err.status, err.code, err.detail, err.extra));
    }
    const e = err as { type?: string; status?: number };
    // body-parser errors: malformed JSON, too large, wrong charset.
    if (e.type === 'entity.parse.failed') {
      return sendProblem(
        res,
        problem(400, 'malformed_json', 'Le corps de la requête n’est pas un JSON valide.'),
      );
    }
    if (e.type === 'entity.too.large') {
      return sendProblem(
        res,
        problem(413, 'payload_too_large', 'Le corps de la requête dépasse la taille autorisée (100 ko).'),
      );
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendProblem(
        res,
        problem(e.status, 'bad_request', 'La requête ne peut pas être traitée telle quelle.'),
      );
    }
    if (isQueryTimeout(err)) {
      logger.warn({ err: (err as Error).message, route: req.route?.path }, 'query timed out');
      return sendProblem(
        res,
        problem(
          503,
          'query_timeout',
          'La base de données n’a pas répondu dans le temps imparti. Réessayez dans un instant, ou restreignez la demande (période, projet).',
        ),
      );
    }
    if (isUnavailable(err)) {
      logger.warn({ err: (err as Error).message, route: req.route?.path }, 'dependency unavailable');
      return sendProblem(
        res,
        problem(
          503,
          'dependency_unavailable',
          'Une dépendance (base de données ou moteur de workflows) est indisponible. Réessayez dans un instant.',
        ),
      );
    }
    logger.error({ err, route: req.route?.path }, 'unhandled error');
    return sendProblem(
      res,
      problem(500, 'internal_error', 'Erreur interne inattendue ; elle a été journalisée.'),
    );
  };
}
