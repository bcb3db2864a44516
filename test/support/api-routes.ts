import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { adminRoutes } from '../../src/api/admin/routes.js';
import { candidacyActionRoutes } from '../../src/api/candidacies/action-routes.js';
import { candidacyRoutes } from '../../src/api/candidacies/routes.js';
import { timelineRoutes } from '../../src/api/candidacies/timeline-routes.js';
import { emailFailureRoutes } from '../../src/api/email-failures.js';
import { inboxRoutes } from '../../src/api/inbox.js';
import { juryMemberRoutes } from '../../src/api/jury/members-routes.js';
import { jurySessionRoutes } from '../../src/api/jury/session-routes.js';
import { projectRoutes } from '../../src/api/projects.js';
import { certificationRoutes } from '../../src/api/reference/certifications.js';
import { policyRoutes } from '../../src/api/reference/policy.js';
import { experimentRoutes } from '../../src/api/reference/experiment.js';
import { projectAdminRoutes } from '../../src/api/reference/project-admin.js';

/** One route of the API as its definition declares it (src/api/route.ts): the schema of each part. */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Express syntax: `/api/candidacies/:id`. */
  path: string;
  parts: Partial<Record<'body' | 'params' | 'query' | 'headers', z.ZodType>>;
}

/**
 * Every route of the API (the routers src/api/app.ts mounts under /api), read from the OpenAPI
 * registry its definitions fill: the routers are only built, never served, so their dependencies
 * are not needed. A route added to one of these routers is here without further ado.
 */
export function apiRoutes(): ApiRoute[] {
  const registry = new OpenAPIRegistry();
  const deps = {} as never;
  const routers: ((deps: never, registry: OpenAPIRegistry) => unknown)[] = [
    candidacyRoutes,
    candidacyActionRoutes,
    timelineRoutes,
    inboxRoutes,
    adminRoutes,
    projectRoutes,
    emailFailureRoutes,
    certificationRoutes,
    projectAdminRoutes,
    policyRoutes,
    experimentRoutes,
    juryMemberRoutes,
    jurySessionRoutes,
  ];
  for (const build of routers) build(deps, registry);
  const routes: ApiRoute[] = [];
  for (const d of registry.definitions) {
    if (d.type !== 'route') continue;
    const { method, path, request } = d.route;
    const media = request?.body?.content['application/json'];
    const body = (media && 'schema' in media ? media.schema : undefined) as z.ZodType | undefined;
    routes.push({
      method: method.toUpperCase() as ApiRoute['method'],
      path: path.replace(/\{(\w+)\}/g, ':$1'),
      parts: {
        ...(body ? { body } : {}),
        ...(request?.params ? { params: request.params as z.ZodType } : {}),
        ...(request?.query ? { query: request.query as z.ZodType } : {}),
        ...(request?.headers ? { headers: request.headers as z.ZodType } : {}),
      },
    });
  }
  return routes;
}
