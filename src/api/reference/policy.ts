import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.js';
import type { ProjectPolicySettings } from '../../domain/policy.js';
import type { AuthenticatedUser } from '../auth.js';
import { currentUser } from '../auth.js';
import { HttpError } from '../problem.js';
import { defineRoute } from '../route.js';
import { problemSchema, uuidParam } from '../schemas/common.js';
import { loadAdministeredProject } from './access.js';
import {
  APPLIES_TO_NEW_CANDIDACIES,
  applyPolicyPatch,
  changedKeys,
  domainRefusals,
  normalizeSettings,
  policyPatchSchema,
  policyView,
  policyViewSchema,
} from './policy-view.js';

/**
 * A project's policy beside the legal defaults, and its changes, each one recorded (who, when,
 * before and after). A change applies to candidacies created afterwards: the workflow receives
 * the policy resolved at its start (src/app/candidacies/enrol.ts) and never reads it again.
 */

/** Appends one change to the audit of a project's policy (in the caller's transaction). */
export async function recordPolicyChange(
  trx: Transaction<Database> | Kysely<Database>,
  change: {
    projectId: string;
    userId: string;
    before: ProjectPolicySettings;
    after: ProjectPolicySettings;
    changedKeys: string[];
  },
) {
  const id = randomUUID();
  const row = await trx
    .insertInto('policy_changes')
    .values({
      id,
      project_id: change.projectId,
      changed_by: change.userId,
      before: JSON.stringify(change.before),
      after: JSON.stringify(change.after),
      changed_keys: change.changedKeys,
    })
    .returning('changed_at')
    .executeTakeFirstOrThrow();
  return {
    id,
    changedAt: row.changed_at.toISOString(),
    changedBy: change.userId,
    changedKeys: change.changedKeys,
  };
}

/**
 * Changes a project's policy under a row lock, so that two concurrent changes are both kept
 * and each audit row holds the exact settings it replaced. `next` computes the new settings
 * from the current ones; nothing is recorded when no parameter changes. The PUT of
 * src/api/projects.ts may call this too, so that its changes are recorded the same way.
 */
export async function savePolicySettings(
  db: Kysely<Database>,
  projectId: string,
  user: AuthenticatedUser,
  next: (current: ProjectPolicySettings) => ProjectPolicySettings,
) {
  return db.transaction().execute(async (trx) => {
    const project = await trx
      .selectFrom('projects')
      .select(['id', 'name', 'policy'])
      .where('id', '=', projectId)
      .forUpdate()
      .executeTakeFirst();
    if (!project) throw new HttpError(404, 'project_not_found', `Aucun projet ${projectId}.`);
    const before = normalizeSettings(project.policy);
    const after = normalizeSettings(next(before));
    const refusals = domainRefusals(after);
    if (refusals.length) {
      throw new HttpError(
        400,
        'validation_failed',
        refusals.length === 1
          ? `La requête contient une erreur (${refusals[0]!.path}).`
          : `La requête contient ${refusals.length} erreurs.`,
        { errors: refusals },
      );
    }
    const keys = changedKeys(before, after);
    if (!keys.length) return { project: { ...project, policy: before }, change: null };
    await trx
      .updateTable('projects')
      .set({ policy: JSON.stringify(after) })
      .where('id', '=', projectId)
      .execute();
    const change = await recordPolicyChange(trx, {
      projectId,
      userId: user.id,
      before,
      after,
      changedKeys: keys,
    });
    return { project: { ...project, policy: after }, change };
  });
}

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
      const rows = await db
        .selectFrom('policy_changes as pc')
        .innerJoin('users as u', 'u.id', 'pc.changed_by')
        .select([
          'pc.id',
          'pc.changed_at',
          'pc.changed_by',
          'u.display_name',
          'u.role',
          'pc.changed_keys',
          'pc.before',
          'pc.after',
        ])
        .where('pc.project_id', '=', params.id)
        .orderBy('pc.changed_at', 'desc')
        .orderBy('pc.id')
        .limit(200)
        .execute();
      res.json({
        items: rows.map((r) => ({
          id: r.id,
          changedAt: r.changed_at.toISOString(),
          changedBy: r.changed_by,
          changedByName: r.display_name,
          changedByRole: r.role,
          changedKeys: r.changed_keys,
          before: r.before,
          after: r.after,
        })),
      });
    },
  });

  return router;
}
