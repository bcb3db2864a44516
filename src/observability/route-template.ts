import type { Request } from 'express';

/** The label of a request that matched no route (404s, static files, refusals before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

const TEMPLATE = Symbol('routeTemplate');
type Tracked = Request & { [TEMPLATE]?: string };

/**
 * Remembers the template of the route that takes the request (`/api/candidacies/:id/enrol`),
 * never its URL: the path's identifiers and tokens (an invitation's, a login link's) must not
 * become labels or span attributes.
 *
 * Express sets `req.route` when a route matches, while `req.baseUrl` is still the mount path of
 * its router (it is restored when an error leaves the router): the template is taken then.
 */
export function trackRouteTemplate(req: Request): void {
  let route: unknown = req.route;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: unknown) {
      route = value;
      const path = (value as { path?: unknown } | undefined)?.path;
      if (path === undefined) return;
      (req as Tracked)[TEMPLATE] =
        (req.baseUrl ?? '') + (Array.isArray(path) ? path.join('|') : String(path));
    },
  });
}

/** The matched route's template, or `unmatched`. */
export function routeTemplate(req: Request): string {
  return (req as Tracked)[TEMPLATE] ?? UNMATCHED_ROUTE;
}
