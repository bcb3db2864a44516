import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { createSession } from '../../app/jury/sessions/create-session.js';
import { assertJuryOrganiser } from '../../app/jury/sessions/organiser-access.js';
import { planSessions } from '../../app/jury/sessions/plan-sessions.js';
import {
  cancelJurySession,
  getSession,
  listSessions,
  loadSession,
  loadSessionForResults,
  recordSessionResults,
  withdrawSessionMember,
} from '../../app/jury/sessions/session-actions.js';
import type { Database } from '../../db/schema.js';
import { loadConfig } from '../../config.js';
import { callerOf } from '../access.js';
import { currentUser, type AuthenticatedUser } from '../auth.js';
import { defineRoute } from '../route.js';
import { problemSchema, uuidParam } from '../schemas/common.js';
import {
  anyObject,
  createSessionSchema,
  memberParam,
  planRequestSchema,
  resultsGridSchema,
  sessionListQuerySchema,
} from './session-schemas.js';

/**
 * `/api/jury/plans` and `/api/jury/sessions`: the planner's proposals for the candidacies waiting,
 * and the sessions (each a `jury-session` workflow): creation, reading, cancellation, a member's
 * withdrawal, the results grid. Jury organisers of an operator organising the project's juries;
 * the results grid also to the project's certifier.
 */
export function jurySessionRoutes(
  deps: { db: Kysely<Database>; temporal: Client; taskQueue: string },
  registry: OpenAPIRegistry,
): Router {
  const router = Router();
  const { db, temporal } = deps;
  const common = { tags: ['Sessions de jury'], auth: true as const };
  const ok = { description: 'État de la session.', schema: anyObject };
  // Access before the body is read: a caller without it learns nothing from validation errors.
  const organiserOnly = async ({ user }: { user: AuthenticatedUser }) => assertJuryOrganiser(callerOf(user));
  const ownSession = async ({ params, user }: { params: { id: string }; user: AuthenticatedUser }) => {
    await loadSession(db, callerOf(user), params.id);
  };
  const resultsSession = async ({ params, user }: { params: { id: string }; user: AuthenticatedUser }) => {
    await loadSessionForResults(db, callerOf(user), params.id);
  };
  const refused = {
    description: 'Refusée dans l’état actuel de la session (code et raison).',
    schema: problemSchema,
  };

  defineRoute(router, registry, {
    ...common,
    method: 'post',
    path: '/api/jury/plans',
    summary: 'Proposer des sessions optimales pour les candidats en attente de jury',
    description:
      'Résout le problème de composition (solveur HiGHS) sur l’horizon demandé, vérifie la proposition avec le contrôleur indépendant, et rend les sessions, leur coût et le rapport de pénurie des candidats non placés.',
    body: planRequestSchema,
    responses: { 201: { description: 'Proposition enregistrée.', schema: anyObject } },
    authorize: organiserOnly,
    handler: async ({ body, user }, _req, res) => {
      res.status(201).json(await planSessions(db, callerOf(user ?? currentUser(res)), body));
    },
  });

  defineRoute(router, registry, {
    ...common,
    method: 'post',
    path: '/api/jury/sessions',
    summary: 'Créer une session de jury (d’une proposition, ou composée à la main)',
    description:
      'Les règles de composition sont vérifiées à nouveau ; 409 `session_breaks_rules` avec la liste des règles enfreintes. Les membres sont invités aussitôt.',
    body: createSessionSchema,
    responses: {
      201: { description: 'Session créée, invitations envoyées.', schema: anyObject },
      409: refused,
    },
    authorize: organiserOnly,
    handler: async ({ body, user }, _req, res) => {
      const created = await createSession(
        { ...deps, roomUrlTemplate: loadConfig().juryRoomUrlTemplate },
        callerOf(user ?? currentUser(res)),
        body,
      );
      res.status(201).location(`/api/jury/sessions/${created.id}`).json(created);
    },
  });

  defineRoute(router, registry, {
    ...common,
    method: 'get',
    path: '/api/jury/sessions',
    summary:
      'Lister les sessions de jury de votre organisme, ou des projets que vous certifiez (les plus proches d’abord)',
    query: sessionListQuerySchema,
    responses: { 200: { description: 'Une page de sessions.', schema: anyObject } },
    authorize: async ({ user }) => {
      if (user.role !== 'certifier') assertJuryOrganiser(callerOf(user));
    },
    handler: async ({ query, user }, _req, res) => {
      res.json(await listSessions(db, callerOf(user ?? currentUser(res)), query));
    },
  });

  defineRoute(router, registry, {
    ...common,
    method: 'get',
    path: '/api/jury/sessions/:id',
    summary:
      'Lire une session : membres, candidatures, coût, journal (organisateur ou certificateur du projet)',
    params: uuidParam,
    responses: { 200: ok, 404: { description: 'Session inconnue.', schema: problemSchema } },
    authorize: resultsSession,
    handler: async ({ params, user }, _req, res) => {
      res.json(await getSession(db, temporal, callerOf(user ?? currentUser(res)), params.id));
    },
  });

  defineRoute(router, registry, {
    ...common,
    method: 'post',
    path: '/api/jury/sessions/:id/cancel',
    summary: 'Annuler la session (les candidatures reviennent en attente, délais intacts)',
    params: uuidParam,
    responses: { 200: ok, 409: refused },
    authorize: ownSession,
    handler: async ({ params, user }, _req, res) => {
      res.json(await cancelJurySession(db, temporal, callerOf(user ?? currentUser(res)), params.id));
    },
  });

  defineRoute(router, registry, {
    ...common,
    method: 'post',
    path: '/api/jury/sessions/:id/members/:memberId/withdraw',
    summary: 'Enregistrer le désistement d’un membre (un remplaçant est invité)',
    params: memberParam,
    responses: { 200: ok, 409: refused },
    authorize: ownSession,
    handler: async ({ params, user }, _req, res) => {
      res.json(
        await withdrawSessionMember(
          db,
          temporal,
          callerOf(user ?? currentUser(res)),
          params.id,
          params.memberId,
        ),
      );
    },
  });

  defineRoute(router, registry, {
    ...common,
    method: 'post',
    path: '/api/jury/sessions/:id/results',
    summary: 'Saisir la grille des résultats de la session (transmis à chaque candidature)',
    params: uuidParam,
    body: resultsGridSchema,
    responses: { 200: ok, 409: refused },
    authorize: resultsSession,
    handler: async ({ params, body, user }, _req, res) => {
      res.json(await recordSessionResults(db, temporal, callerOf(user ?? currentUser(res)), params.id, body));
    },
  });
  return router;
}
