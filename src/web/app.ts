import express, { Router } from 'express';
import { loginRoutes, logoutRoutes } from './auth/routes.js';
import { loadWebUser, requireCsrf, requireWebUser } from './auth/middleware.js';
import { oidcRoutes } from './auth/oidc-routes.js';
import type { LoginRateLimits } from './auth/rate-limits.js';
import type { WebDeps } from './deps.js';
import { candidateRoutes } from './candidate/routes.js';
import { dsfrStatic } from './dsfr-assets.js';
import { notFoundPage, webErrorHandler } from './errors.js';
import { consolePages } from './pages/index.js';

/**
 * The console, served by the API's express app at `/` (everything but `/api/*`): the DSFR assets,
 * the passwordless login (and the OpenID Connect sign-in when configured), then — for a signed-in user only, every form checked against the
 * session's CSRF token — the console's pages. Its errors are French pages.
 */
export function webRoutes(deps: WebDeps, opts: { loginRateLimits?: LoginRateLimits } = {}): Router {
  const router = Router();
  // The API keeps its own authentication (Bearer tokens) and errors: the console steps aside.
  router.use((req, _res, next) => {
    if (req.path === '/api' || req.path.startsWith('/api/')) return next('router');
    next();
  });
  router.use(dsfrStatic());
  router.use('/dsfr', notFoundPage());
  // The candidates' status pages: signed links, no account, so before any login requirement.
  router.use(candidateRoutes(deps));
  // The console's forms only: the API reads JSON, with its own parser.
  router.use(express.urlencoded({ extended: false, limit: '50kb' }));
  router.use(loginRoutes(deps, opts.loginRateLimits));
  if (deps.oidc) router.use(oidcRoutes(deps, deps.oidc));
  router.use(loadWebUser(deps.db));
  router.use(logoutRoutes(deps));
  router.use(requireWebUser());
  router.use(requireCsrf());
  router.use(consolePages(deps));
  router.use(notFoundPage());
  router.use(webErrorHandler(deps.logger));
  return router;
}
