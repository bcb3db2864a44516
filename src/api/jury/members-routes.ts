import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { createMember } from '../../app/jury/members/create-member.js';
import { deactivateMember } from '../../app/jury/members/deactivate-member.js';
import { getMember } from '../../app/jury/members/get-member.js';
import { listMembers } from '../../app/jury/members/list-members.js';
import { assertManagesPools } from '../../app/jury/members/pool-access.js';
import { updateMember } from '../../app/jury/members/update-member.js';
import type { Database } from '../../db/schema.js';
import { callerOf } from '../access.js';
import { currentUser, type AuthenticatedUser } from '../auth.js';
import { defineRoute } from '../route.js';
import { problemSchema, uuidParam } from '../schemas/common.js';
import {
  createMemberSchema,
  juryMemberListSchema,
  juryMemberSchema,
  memberListQuerySchema,
  memberPatchSchema,
} from './member-schemas.js';

const ACCESS =
  'Organisateurs de jury : le vivier de leur organisme ; administrateurs : tout vivier (en nommant l’organisme, `operatorId`, pour la liste et la création). Les autres rôles : 403. Le membre d’un autre vivier : 404.';

/**
 * `/api/jury/members`: the jury pool of an operator (DOMAIN.md, « Jury sessions, as a planning
 * problem »). Access is src/app/jury/members/pool-access.ts; the use cases are its neighbours.
 * Names and e-mail addresses are answered to whoever manages the pool and never logged.
 */
export function juryMemberRoutes(deps: { db: Kysely<Database> }, registry: OpenAPIRegistry): Router {
  const router = Router();
  const { db } = deps;
  const common = { tags: ['Vivier de jurés'], auth: true as const };
  const managesPools = async ({ user }: { user: AuthenticatedUser }) => assertManagesPools(callerOf(user));
  // A member of a pool the caller does not manage is 404 before the body is read.
  const managesMember = async ({ params, user }: { params: { id: string }; user: AuthenticatedUser }) => {
    await getMember(db, callerOf(user), params.id);
  };
  const notFound = {
    description: 'Aucun membre de ce numéro dans un vivier que vous gérez.',
    schema: problemSchema,
  };

  defineRoute(router, registry, {
    ...common,
    method: 'get',
    path: '/api/jury/members',
    summary: 'Lister les membres d’un vivier de jurés',
    description: `Par nom, avec filtres (certification évaluée, actif, à distance) et pagination (limit/offset). ${ACCESS}`,
    query: memberListQuerySchema,
    authorize: managesPools,
    responses: { 200: { description: 'Une page du vivier.', schema: juryMemberListSchema } },
    handler: async ({ query, user }, _req, res) => {
      res.json(await listMembers(db, callerOf(user ?? currentUser(res)), query));
    },
  });

  defineRoute(router, registry, {
    ...common,
    method: 'post',
    path: '/api/jury/members',
    summary: 'Ajouter un membre au vivier de jurés',
    description: `Certifications et blocs évalués (existants), liens d’intérêts, disponibilités (heure de Paris), indemnité et frais en centimes d’euro, plafond annuel de sessions. L’adresse e-mail est unique dans le vivier (409 \`jury_member_email_taken\`). ${ACCESS}`,
    body: createMemberSchema,
    authorize: managesPools,
    responses: {
      201: { description: 'Membre ajouté.', schema: juryMemberSchema },
      409: { description: 'Un membre du vivier a déjà cette adresse e-mail.', schema: problemSchema },
    },
    handler: async ({ body, user }, _req, res) => {
      const member = await createMember(db, callerOf(user ?? currentUser(res)), body);
      res.status(201).location(`/api/jury/members/${member.id}`).json(member);
    },
  });

  defineRoute(router, registry, {
    ...common,
    method: 'get',
    path: '/api/jury/members/:id',
    summary: 'Lire un membre du vivier de jurés',
    description: ACCESS,
    params: uuidParam,
    authorize: managesMember,
    responses: { 200: { description: 'Le membre.', schema: juryMemberSchema }, 404: notFound },
    handler: async ({ params, user }, _req, res) => {
      res.json(await getMember(db, callerOf(user ?? currentUser(res)), params.id));
    },
  });

  defineRoute(router, registry, {
    ...common,
    method: 'patch',
    path: '/api/jury/members/:id',
    summary: 'Modifier un membre du vivier de jurés',
    description: `Seuls les champs cités changent (la dernière modification l’emporte). ${ACCESS}`,
    params: uuidParam,
    body: memberPatchSchema,
    authorize: managesMember,
    responses: {
      200: { description: 'Le membre modifié.', schema: juryMemberSchema },
      404: notFound,
      409: { description: 'Un autre membre du vivier a déjà cette adresse e-mail.', schema: problemSchema },
    },
    handler: async ({ params, body, user }, _req, res) => {
      res.json(await updateMember(db, callerOf(user ?? currentUser(res)), params.id, body));
    },
  });

  defineRoute(router, registry, {
    ...common,
    method: 'post',
    path: '/api/jury/members/:id/deactivate',
    summary: 'Retirer un membre du vivier (désactivation)',
    description: `Le membre n’est plus proposé pour de nouveaux jurys ; il n’est jamais supprimé, car des sessions le citent. Idempotent. ${ACCESS}`,
    params: uuidParam,
    authorize: managesMember,
    responses: { 200: { description: 'Le membre, inactif.', schema: juryMemberSchema }, 404: notFound },
    handler: async ({ params, user }, _req, res) => {
      res.json(await deactivateMember(db, callerOf(user ?? currentUser(res)), params.id));
    },
  });

  return router;
}
