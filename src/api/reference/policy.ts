import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { savePolicySettings } from '../../app/reference/change-policy.js';
import { listPolicyChanges } from '../../app/reference/list-policy-changes.js';
import { APPLIES_TO_NEW_CANDIDACIES, applyPolicyPatch, policyView } from '../../app/reference/policy-view.js';
import type { Database } from '../../db/schema.js';
import type { AuthenticatedUser } from '../auth.js';
import { currentUser } from '../auth.js';
import { defineRoute } from '../route.js';
import { problemSchema, uuidParam } from '../schemas/common.js';
import { loadAdministeredProject } from './access.js';
import { policyPatchSchema, policyViewSchema } from './policy-schemas.js';

/**
 * GET/PATCH /api/projects/:id/policy and its change log, for whoever administers the project
 * (./access.ts). The use cases are src/app/reference/change-policy.ts and its neighbours.
 */

const changeSchema = z
  .object({
    id: z.uuid(),
    changedAt: z.string(),
    changedBy: z.uuid(),
    changedKeys: z.array(z.string()),
  })
  .meta({ id: 'PolicyChange' });

const changeListSchema = z.object({
  items: z.array(
    changeSchema.extend({
      changedByName: z.string(),
      changedByRole: z.string(),
      before: z.record(z.string(), z.unknown()),
      after: z.record(z.string(), z.unknown()),
    }),
  ),
});

export function policyRoutes(deps: { db: Kysely<Database> }, registry: OpenAPIRegistry): Router {
  const router = Router();
  const { db } = deps;
  const authorize = async ({ params, user }: { params: { id: string }; user: AuthenticatedUser }) => {
    await loadAdministeredProject(db, user, params.id);
  };

  defineRoute(router, registry, {
    method: 'get',
    path: '/api/projects/:id/policy',
    summary: 'Lire la politique d’un projet à côté des valeurs légales (porteur du projet, administrateurs)',
    description:
      'Chaque paramètre avec son nom en français, sa source, la valeur légale, la surcharge du projet et de chaque groupe, et ce que reçoit une nouvelle candidature de chaque groupe ; chaque valeur a un libellé en français (« 2 mois », « 75 % »).',
    tags: ['Projets'],
    auth: true,
    params: uuidParam,
    authorize,
    responses: {
      200: { description: 'La politique du projet.', schema: policyViewSchema },
      404: { description: 'Projet inconnu.', schema: problemSchema },
    },
    handler: async ({ params, user }, _req, res) => {
      const project = await loadAdministeredProject(db, user ?? currentUser(res), params.id);
      res.json(policyView(project));
    },
  });

  defineRoute(router, registry, {
    method: 'patch',
    path: '/api/projects/:id/policy',
    summary: 'Modifier des paramètres de la politique d’un projet (porteur du projet, administrateurs)',
    description: `Seuls les paramètres cités changent ; null retire une surcharge. Durées positives (au plus 10 ans), parts entre 0 et 1, paramètre inconnu refusé : une réponse 400 nomme chaque champ en erreur. ${APPLIES_TO_NEW_CANDIDACIES} Chaque modification est enregistrée (qui, quand, avant, après) : GET /api/projects/{id}/policy/changes.`,
    tags: ['Projets'],
    auth: true,
    params: uuidParam,
    body: policyPatchSchema,
    authorize,
    responses: {
      200: {
        description:
          'La politique après la modification, et la modification enregistrée (`change`, null si rien n’a changé).',
        schema: policyViewSchema.extend({ change: changeSchema.nullable() }),
      },
      404: { description: 'Projet inconnu.', schema: problemSchema },
    },
    handler: async ({ params, body, user }, _req, res) => {
      const caller = user ?? currentUser(res);
      const { project, change } = await savePolicySettings(db, params.id, caller, (current) =>
        applyPolicyPatch(current, body),
      );
      res.json({ ...policyView(project), change });
    },
  });

  defineRoute(router, registry, {
    method: 'get',
    path: '/api/projects/:id/policy/changes',
    summary:
      'L’historique des modifications de la politique d’un projet (porteur du projet, administrateurs)',
    description: 'Les 200 dernières modifications, la plus récente d’abord : qui, quand, avant, après.',
    tags: ['Projets'],
    auth: true,
    params: uuidParam,
    authorize,
    responses: {
      200: { description: 'Les modifications.', schema: changeListSchema },
      404: { description: 'Projet inconnu.', schema: problemSchema },
    },
    handler: async ({ params }, _req, res) => {
      res.json({ items: await listPolicyChanges(db, params.id) });
    },
  });

  return router;
}
