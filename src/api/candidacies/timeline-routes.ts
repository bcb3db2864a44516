import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.js';
import { loadVisibleCandidacy } from '../access.js';
import { currentUser } from '../auth.js';
import { defineRoute } from '../route.js';
import { uuidParam } from '../schemas/common.js';
import { readTimeline } from '../../app/candidacies/timeline.js';

const timelineSchema = z
  .object({
    events: z.array(
      z.object({
        seq: z.number().int(),
        type: z.string(),
        occurredAt: z.string(),
        actor: z
          .object({
            userId: z.string().nullable(),
            userName: z.string().nullable(),
            operatorId: z.string().nullable(),
            operatorName: z.string().nullable(),
          })
          .nullable(),
        details: z.record(z.string(), z.unknown()),
      }),
    ),
    handoffs: z.array(z.object({}).passthrough()),
  })
  .meta({ id: 'Timeline' });

/** `GET /api/candidacies/:id/timeline`: every journaled event with its actor, and the hand-offs. */
export function timelineRoutes(deps: { db: Kysely<Database> }, registry: OpenAPIRegistry): Router {
  const router = Router();
  defineRoute(router, registry, {
    method: 'get',
    path: '/api/candidacies/:id/timeline',
    summary: 'Historique d’une candidature',
    description:
      'Chaque événement du journal avec son auteur (utilisateur et organisme), sa date et ses détails ; les passages de relais entre organismes. Un événement sans auteur vient d’une échéance.',
    tags: ['Candidatures'],
    auth: true,
    params: uuidParam,
    responses: { 200: { description: 'L’historique.', schema: timelineSchema } },
    handler: async ({ params, user }, _req, res) => {
      const caller = user ?? currentUser(res);
      const row = await loadVisibleCandidacy(deps.db, caller, params.id);
      const { events, handoffs } = await readTimeline(deps.db, row.id);
      res.json({
        events: events.map(({ occurredAt, payload, ...e }) => ({
          ...e,
          occurredAt: occurredAt.toISOString(),
          details: payload,
        })),
        handoffs: handoffs.map((h) => ({
          ...h,
          requestedAt: h.requestedAt.toISOString(),
          dueAt: h.dueAt?.toISOString() ?? null,
          acceptedAt: h.acceptedAt?.toISOString() ?? null,
          escalatedAt: h.escalatedAt?.toISOString() ?? null,
        })),
      });
    },
  });
  return router;
}
