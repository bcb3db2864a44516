import { OpenAPIRegistry, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { AuthenticatedUser } from './auth.js';
import { problemSchema } from './schemas/common.js';
import { assertCleanText, parseOrThrow, type RequestPart } from './validation.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<B extends z.ZodType, P extends z.ZodType, Q extends z.ZodType> {
  method: Method;
  /** Express syntax (`/api/candidacies/:id`); the OpenAPI path is derived from it. */
  path: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  auth: boolean;
  body?: B;
  params?: P;
  query?: Q;
  headers?: z.ZodObject;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /**
   * Access check, run once the path parameters are valid and before the body is read, so a
   * caller without access learns nothing from validation errors (401/403/404).
   */
  authorize?: (input: { params: z.infer<P>; user: AuthenticatedUser }, res: Response) => Promise<void>;
  handler: (
    input: { body: z.infer<B>; params: z.infer<P>; query: z.infer<Q>; user: AuthenticatedUser | undefined },
    req: Request,
    res: Response,
  ) => Promise<void>;
}

const PROBLEM_STATUSES: Record<number, string> = {
  400: 'Requête invalide : la liste `errors` dit quoi corriger.',
  401: 'Jeton absent, invalide ou révoqué.',
  403: 'Accès refusé : le rôle de l’utilisateur ou la mission de son organisme ne le permet pas.',
  404: 'Ressource introuvable.',
  503: 'Une dépendance (PostgreSQL ou Temporal) est indisponible ; réessayer plus tard.',
};

/**
 * Declares a route once: the same zod schemas validate the request and document it in the
 * OpenAPI registry, so every route is documented by construction.
 */
export function defineRoute<
  B extends z.ZodType = z.ZodUnknown,
  P extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
>(router: Router, registry: OpenAPIRegistry, spec: RouteSpec<B, P, Q>): void {
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    responses[status] = r.schema
      ? {
          description: r.description,
          content: {
            [Number(status) >= 400 ? 'application/problem+json' : 'application/json']: { schema: r.schema },
          },
        }
      : { description: r.description };
  }
  const defaults = spec.auth ? [400, 401, 403, 503] : [400, 503];
  for (const status of defaults) {
    responses[status] ??= {
      description: PROBLEM_STATUSES[status]!,
      content: { 'application/problem+json': { schema: problemSchema } },
    };
  }
  registry.registerPath({
    method: spec.method,
    path: spec.path.replace(/:(\w+)/g, '{$1}'),
    summary: spec.summary,
    description: spec.description,
    tags: [...spec.tags],
    security: spec.auth ? [{ bearerAuth: [] }] : [],
    request: {
      ...(spec.body
        ? { body: { content: { 'application/json': { schema: spec.body } }, required: true } }
        : {}),
      ...(spec.params ? { params: spec.params as unknown as z.ZodObject } : {}),
      ...(spec.query ? { query: spec.query as unknown as z.ZodObject } : {}),
      ...(spec.headers ? { headers: spec.headers } : {}),
    },
    responses,
  });

  // A part without a schema is passed on as it came: it still gets the text check (no control
  // character, no malformed Unicode), so that no string of a request escapes it.
  const read = <S extends z.ZodType>(schema: S | undefined, value: unknown, where: RequestPart) => {
    if (schema) return parseOrThrow(schema, value, where);
    assertCleanText(value, where);
    return value;
  };
  router[spec.method](spec.path, async (req: Request, res: Response) => {
    const params = read(spec.params, req.params, 'params') as z.infer<P>;
    const user = res.locals.user as AuthenticatedUser | undefined;
    if (spec.authorize && user) await spec.authorize({ params, user }, res);
    const input = {
      // An action without arguments may be posted without a body.
      body: read(spec.body, spec.body ? (req.body ?? {}) : req.body, 'body') as z.infer<B>,
      params,
      query: read(spec.query, req.query, 'query') as z.infer<Q>,
      user,
    };
    await spec.handler(input, req, res);
  });
}
