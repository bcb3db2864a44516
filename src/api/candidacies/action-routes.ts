import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.js';
import { ACTIONS, type Action } from '../../domain/phases.js';
import { authorizeAction, loadVisibleCandidacy, rememberedRow, rememberRow } from '../access.js';
import { currentUser } from '../auth.js';
import { idempotencyKeyOf } from '../idempotency-key.js';
import { defineRoute } from '../route.js';
import { problemSchema, uuidParam } from '../schemas/common.js';
import { prepareAction, type ActionBody } from './action-payloads.js';
import { actionUpdateId, runAction } from './action-runner.js';
import { ACTION_BODIES, ACTION_SUMMARIES } from './action-schemas.js';
import { actionIdempotencyHeaders } from './schemas.js';

export const candidacyViewSchema = z
  .object({
    candidacyId: z.uuid(),
    phase: z.string(),
    phaseLabel: z.string(),
    waitingOn: z.object({ kind: z.string() }).passthrough(),
    deadlines: z.array(z.object({ name: z.string(), dueAt: z.string(), label: z.string() })),
    allowedActions: z.array(z.string()),
    blocks: z.array(z.object({ code: z.string(), status: z.string() })),
    remindersSent: z.number(),
  })
  .passthrough()
  .meta({ id: 'CandidacyState', description: 'État vivant du workflow (requête `state`).' });

const refusalSchema = problemSchema
  .extend({ phase: z.string().optional(), allowedActions: z.array(z.string()) })
  .meta({ id: 'ActionRefused' });

/** `POST /api/candidacies/:id/<action>`: each human action of the path, as a workflow Update. */
export function candidacyActionRoutes(
  deps: { db: Kysely<Database>; temporal: Client },
  registry: OpenAPIRegistry,
): Router {
  const router = Router();
  for (const action of ACTIONS) {
    defineRoute(router, registry, {
      method: 'post',
      path: `/api/candidacies/:id/${action}`,
      summary: ACTION_SUMMARIES[action],
      description:
        'Exécutée comme Update Temporal avec validateur : une action impossible dans la phase actuelle est refusée (409) sans rien écrire, avec la phase et les actions possibles.',
      tags: ['Actions du parcours'],
      auth: true,
      params: uuidParam,
      body: ACTION_BODIES[action],
      headers: actionIdempotencyHeaders,
      responses: {
        200: {
          description: 'Action enregistrée ; état vivant de la candidature.',
          schema: candidacyViewSchema,
        },
        404: { description: 'Candidature inconnue.', schema: problemSchema },
        409: {
          description: 'Action refusée dans la phase actuelle (ou candidature close).',
          schema: refusalSchema,
        },
      },
      authorize: async ({ params, user }, res) => {
        const row = await loadVisibleCandidacy(deps.db, user, params.id);
        await authorizeAction(deps.db, user, row, action);
        rememberRow(res, row);
      },
      handler: async ({ body, user }, req, res) => {
        const actor = user ?? currentUser(res);
        const row = rememberedRow(res);
        const key = idempotencyKeyOf(req);
        const prepared = await prepareAction(action as Action, body as ActionBody<Action>, {
          ...deps,
          row,
          replay: key !== undefined,
        });
        const view = await runAction(
          deps.temporal,
          row.workflow_id,
          action,
          prepared.payload,
          { userId: actor.id, operatorId: actor.operatorId },
          key && actionUpdateId(actor.id, action, key, body),
        ).catch(async (err: unknown) => {
          // Refused or unanswered: what was written for it beforehand is removed (the refusal is
          // still what the caller gets, even if the removal fails).
          await prepared.undo?.().catch((undoErr: unknown) => req.log.error({ err: undoErr }, 'undo failed'));
          throw err;
        });
        await prepared.after?.();
        res.json(view);
      },
    });
  }
  return router;
}
