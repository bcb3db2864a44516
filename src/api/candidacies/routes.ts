import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { createCandidacy, type CreateDeps } from '../../app/candidacies/create-candidacy.js';
import { openFollowUp } from '../../app/candidacies/follow-up.js';
import { CREATION_OPERATOR_ROLES, CREATION_ROLES } from '../../domain/access.js';
import type { Database } from '../../db/schema.js';
import { authorizeAction, loadVisibleCandidacy } from '../access.js';
import { currentUser, type AuthenticatedUser } from '../auth.js';
import type { Kysely } from 'kysely';
import { idempotencyKeyOf } from '../idempotency-key.js';
import { HttpError } from '../problem.js';
import { defineRoute } from '../route.js';
import { problemSchema, uuidParam } from '../schemas/common.js';
import { getCandidacy, listCandidacies } from './read.js';
import {
  candidacyDetailSchema,
  candidacyListSchema,
  createCandidacySchema,
  idempotencyHeaders,
  listQuerySchema,
} from './schemas.js';

export function candidacyRoutes(deps: CreateDeps, registry: OpenAPIRegistry): Router {
  const router = Router();

  defineRoute(router, registry, {
    method: 'post',
    path: '/api/candidacies',
    summary: 'Créer une candidature et démarrer son parcours',
    description:
      'Enregistre le candidat, crée la candidature et démarre le workflow `candidacy-<uuid>`. Idempotent avec l’en-tête Idempotency-Key.',
    tags: ['Candidatures'],
    auth: true,
    body: createCandidacySchema,
    headers: idempotencyHeaders,
    authorize: async ({ user }) => {
      if (!CREATION_ROLES.includes(user.role)) {
        throw new HttpError(
          403,
          'role_not_allowed',
          'Seuls les conseillers et les chargés de repérage créent des candidatures.',
        );
      }
    },
    responses: {
      201: {
        description:
          'Candidature créée (ou rejouée avec la même clé), depuis le modèle de lecture : `live` est null, l’état vivant du workflow qui vient de démarrer se lit par GET /api/candidacies/{id}.',
        schema: candidacyDetailSchema,
      },
      409: { description: 'Clé d’idempotence déjà utilisée pour une autre requête.', schema: problemSchema },
    },
    handler: async ({ body, user }, req, res) => {
      const key = idempotencyKeyOf(req);
      const caller = user ?? currentUser(res);
      await assertOperatorInProject(deps.db, caller, body.projectId);
      const result = await createCandidacy(deps, caller, body, key);
      const row = await loadVisibleCandidacy(deps.db, caller, result.candidacyId);
      // No live state: a Query would wait for the new run's first workflow task (the worker's
      // queue), which is what made creation slow under load. GET returns it.
      const detail = await getCandidacy(deps.db, deps.temporal, row, caller, { withLive: false });
      res
        .status(201)
        .location(`/api/candidacies/${result.candidacyId}`)
        .set('Idempotent-Replayed', String(result.replayed))
        .json(detail);
    },
  });

  defineRoute(router, registry, {
    method: 'get',
    path: '/api/candidacies',
    summary: 'Lister les candidatures',
    description: 'Depuis le modèle de lecture PostgreSQL, avec filtres et pagination (limit/offset).',
    tags: ['Candidatures'],
    auth: true,
    query: listQuerySchema,
    responses: { 200: { description: 'Une page de candidatures.', schema: candidacyListSchema } },
    handler: async ({ query, user }, _req, res) => {
      res.json(await listCandidacies(deps.db, user ?? currentUser(res), query));
    },
  });

  defineRoute(router, registry, {
    method: 'get',
    path: '/api/candidacies/:id',
    summary: 'Lire une candidature',
    description: 'Modèle de lecture joint à l’état vivant du workflow (requête Temporal `state`).',
    tags: ['Candidatures'],
    auth: true,
    params: uuidParam,
    responses: {
      200: { description: 'La candidature.', schema: candidacyDetailSchema },
      404: { description: 'Candidature inconnue.', schema: problemSchema },
    },
    handler: async ({ params, user }, _req, res) => {
      const caller = user ?? currentUser(res);
      const row = await loadVisibleCandidacy(deps.db, caller, params.id);
      res.json(await getCandidacy(deps.db, deps.temporal, row, caller));
    },
  });

  defineRoute(router, registry, {
    method: 'post',
    path: '/api/candidacies/:id/follow-up',
    summary: 'Ouvrir un parcours complémentaire pour les blocs restants',
    description:
      'Après une validation partielle : crée une nouvelle candidature liée, pour le même candidat et les blocs non validés. Idempotent.',
    tags: ['Candidatures'],
    auth: true,
    params: uuidParam,
    responses: {
      201: { description: 'Parcours complémentaire créé.', schema: candidacyDetailSchema },
      200: { description: 'Le parcours complémentaire existait déjà.', schema: candidacyDetailSchema },
      404: { description: 'Candidature inconnue.', schema: problemSchema },
      409: { description: 'Pas de validation partielle à compléter.', schema: problemSchema },
    },
    authorize: async ({ params, user }) => {
      const row = await loadVisibleCandidacy(deps.db, user, params.id);
      // Opening the follow-up is the advice operator's job, as recording the information is.
      await authorizeAction(deps.db, user, row, 'record-information');
    },
    handler: async ({ params, user }, _req, res) => {
      const caller = user ?? currentUser(res);
      const result = await openFollowUp(deps, caller, params.id);
      const row = await loadVisibleCandidacy(deps.db, caller, result.candidacyId);
      const detail = await getCandidacy(deps.db, deps.temporal, row, caller);
      res
        .status(result.created ? 201 : 200)
        .location(`/api/candidacies/${result.candidacyId}`)
        .json(detail);
    },
  });

  return router;
}

/** The creator's operator must play an advice or outreach role in the project. */
async function assertOperatorInProject(db: Kysely<Database>, user: AuthenticatedUser, projectId: string) {
  const role = await db
    .selectFrom('project_operators')
    .select('role')
    .where('project_id', '=', projectId)
    .where('operator_id', '=', user.operatorId)
    .where('role', 'in', [...CREATION_OPERATOR_ROLES])
    .executeTakeFirst();
  if (!role) {
    const project = await db
      .selectFrom('projects')
      .select('id')
      .where('id', '=', projectId)
      .executeTakeFirst();
    if (!project) {
      throw new HttpError(400, 'validation_failed', 'Projet inconnu.', {
        errors: [{ path: 'body.projectId', code: 'unknown_project', message: 'Projet inconnu.' }],
      });
    }
    throw new HttpError(
      403,
      'operator_not_in_project',
      'Votre organisme n’assure ni le repérage ni le conseil dans ce projet.',
    );
  }
}
