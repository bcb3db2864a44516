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
import type { ActionInput } from '../../app/candidacies/prepare-action.js';
import { performAction } from '../../app/candidacies/perform-action.js';
import { ACTION_BODIES, ACTION_SUMMARIES, type ActionBody } from './action-schemas.js';
import { actionIdempotencyHeaders } from './schemas.js';

export const candidacyViewSchema = z
  .object({
    candidacyId: z.uuid(),
    phase: z.string(),
    phaseLabel: z.string(),
    waitingOn: z.object({ kind: z.string() }).passthrough(),
    deadlines: z.array(
      z.object({
        name: z.string(),
        label: z.string(),
        dueAt: z
          .string()
          .nullable()
          .meta({ description: 'Échéance (ISO 8601) ; null pour un délai suspendu.' }),
        suspended: z.boolean().optional(),
        remainingMs: z.number().optional().meta({ description: 'Délai suspendu : temps restant (ms).' }),
        remainingLabel: z.string().optional(),
      }),
    ),
    allowedActions: z.array(z.string()),
    blocks: z.array(z.object({ code: z.string(), status: z.string() })),
    remindersSent: z.number(),
  })
  .passthrough()
  .meta({ id: 'CandidacyState', description: 'État vivant du workflow (requête `state`).' });

// Each action's validated body is what its use case takes: a schema that drifts fails to compile.
type BodiesFit = { [A in Action]: ActionBody<A> extends ActionInput<A> ? true : false }[Action];
const bodiesFit: BodiesFit extends true ? true : never = true;
void bodiesFit;

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
        const view = await performAction(deps, {
          action: action as Action,
          input: body as ActionBody<Action>,
          row: rememberedRow(res),
          actor: { userId: actor.id, operatorId: actor.operatorId },
          idempotencyKey: idempotencyKeyOf(req),
          // Code and message only: a database error's detail may quote row values.
          onUndoFailed: (err) =>
            req.log.error(
              { code: (err as { code?: string }).code, message: (err as Error).message },
              'undo failed',
            ),
        });
        res.json(view);
      },
    });
  }
  return router;
}
