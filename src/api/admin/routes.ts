import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.js';
import { USER_ROLES } from '../../domain/roles.js';
import { HttpError } from '../problem.js';
import { defineRoute } from '../route.js';
import { uuidParam } from '../schemas/common.js';
import { adminService } from '../../app/admin/admin-service.js';
import { email, text, uuid } from '../schemas/text.js';

const adminOnly = async ({ user }: { user: { role: string } }) => {
  if (user.role !== 'administrator') {
    throw new HttpError(403, 'role_not_allowed', 'Réservé aux administrateurs.');
  }
};

const createUserSchema = z
  .object({
    operatorId: uuid(),
    role: z.enum(USER_ROLES),
    displayName: text({ max: 200 }),
    email: email(),
  })
  .strict()
  .meta({ id: 'CreateUser' });
const createOperatorSchema = z
  .object({ name: text({ max: 200 }), email: email() })
  .strict()
  .meta({ id: 'CreateOperator' });
const createTokenSchema = z.object({ label: text({ max: 100 }).default('API') }).strict();

/** Administration: operators, users and their API tokens (administrators only). */
export function adminRoutes(deps: { db: Kysely<Database> }, registry: OpenAPIRegistry): Router {
  const router = Router();
  const admin = adminService(deps.db);
  const common = { tags: ['Administration'], auth: true as const, authorize: adminOnly };

  defineRoute(router, registry, {
    ...common,
    method: 'post',
    path: '/api/admin/operators',
    summary: 'Créer un organisme',
    body: createOperatorSchema,
    responses: { 201: { description: 'Organisme créé.' } },
    handler: async ({ body }, _req, res) => {
      res.status(201).json(await admin.createOperator(body));
    },
  });
  defineRoute(router, registry, {
    ...common,
    method: 'post',
    path: '/api/admin/users',
    summary: 'Créer un utilisateur (un organisme, un rôle)',
    body: createUserSchema,
    responses: { 201: { description: 'Utilisateur créé.' }, 409: { description: 'Adresse déjà utilisée.' } },
    handler: async ({ body }, _req, res) => {
      res.status(201).json(await admin.createUser(body));
    },
  });
  defineRoute(router, registry, {
    ...common,
    method: 'get',
    path: '/api/admin/users',
    summary: 'Lister les utilisateurs',
    responses: { 200: { description: 'Les utilisateurs.' } },
    handler: async (_input, _req, res) => {
      res.json({ items: await admin.listUsers() });
    },
  });
  defineRoute(router, registry, {
    ...common,
    method: 'post',
    path: '/api/admin/users/:id/tokens',
    summary: 'Créer un jeton d’API (affiché une seule fois)',
    params: uuidParam,
    body: createTokenSchema,
    responses: { 201: { description: 'Le jeton en clair, à transmettre : il n’est stocké que haché.' } },
    handler: async ({ params, body }, _req, res) => {
      res.status(201).json(await admin.createToken(params.id, body.label));
    },
  });
  defineRoute(router, registry, {
    ...common,
    method: 'get',
    path: '/api/admin/users/:id/tokens',
    summary: 'Lister les jetons d’un utilisateur (sans leur valeur)',
    params: uuidParam,
    responses: { 200: { description: 'Jetons : création, dernier usage, révocation.' } },
    handler: async ({ params }, _req, res) => {
      res.json({ items: await admin.listTokens(params.id) });
    },
  });
  defineRoute(router, registry, {
    ...common,
    method: 'delete',
    path: '/api/admin/tokens/:id',
    summary: 'Révoquer un jeton (effet immédiat)',
    params: uuidParam,
    responses: { 200: { description: 'Jeton révoqué.' }, 404: { description: 'Jeton inconnu.' } },
    handler: async ({ params }, _req, res) => {
      res.json(await admin.revokeToken(params.id));
    },
  });
  return router;
}
