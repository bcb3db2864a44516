import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { problem, sendProblem } from '../api/problem.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { createApiMetrics } from './api-metrics.js';
import { httpTracing } from './http-tracing.js';
import { trackRouteTemplate } from './route-template.js';
import { activeTracing } from './tracing.js';

export const METRICS_PATH = '/metrics';
const MIN_TOKEN_LENGTH = 16;

/**
 * The API's observability, mounted first: the route template of each request, its server span
 * (tracing on), its duration, and `GET /metrics` (Prometheus text).
 *
 * `/metrics` is served only when a token is set (METRICS_TOKEN), and only to
 * `Authorization: Bearer <token>` (401 otherwise); without a token it does not exist (404).
 * It is answered here, before the request log: scrapes are not logged.
 */
export function apiObservability(deps: {
  db: Kysely<Database>;
  logger: Logger;
  /** /metrics' bearer token; none: /metrics is off. */
  metricsToken: string | null | undefined;
}): Router {
  const token = deps.metricsToken ?? undefined;
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new Error(`METRICS_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters long`);
  }
  const metrics = createApiMetrics(deps);
  const router = Router();
  router.use((req, _res, next) => {
    trackRouteTemplate(req);
    next();
  });
  if (activeTracing()) {
    const traced = httpTracing();
    // Scrapes are not traced either.
    router.use((req, res, next) => (req.path === METRICS_PATH ? next() : traced(req, res, next)));
  }
  router.use(metrics.middleware);
  router.get(METRICS_PATH, async (req, res) => {
    if (token === undefined) {
      return sendProblem(res, problem(404, 'route_not_found', `Aucune route GET ${METRICS_PATH}.`));
    }
    if (!bearerMatches(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="parcours-vae-metrics"');
      return sendProblem(
        res,
        problem(401, 'invalid_metrics_token', 'Le jeton des métriques (METRICS_TOKEN) est requis.'),
      );
    }
    res.setHeader('Cache-Control', 'no-store');
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  return router;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!given) return false;
  // Compared as digests: constant time, whatever the lengths.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}
