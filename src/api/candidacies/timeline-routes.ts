import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.js';
import { loadVisibleCandidacy } from '../access.js';
import { currentUser } from '../auth.js';
import { defineRoute } from '../route.js';
import { uuidParam } from '../schemas/common.js';

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
      const [events, handoffs] = await Promise.all([
        deps.db
          .selectFrom('candidacy_events as e')
          .leftJoin('users as u', 'u.id', 'e.actor_user_id')
          .leftJoin('operators as o', 'o.id', 'e.actor_operator_id')
          .select([
            'e.seq',
            'e.type',
            'e.occurred_at',
            'e.payload',
            'e.actor_user_id',
            'e.actor_operator_id',
            'u.display_name',
            'o.name',
          ])
          .where('e.candidacy_id', '=', row.id)
          .orderBy('e.seq')
          .execute(),
        deps.db
          .selectFrom('handoffs as h')
          .innerJoin('operators as f', 'f.id', 'h.from_operator_id')
          .innerJoin('operators as t', 't.id', 'h.to_operator_id')
          .select([
            'h.seq',
            'h.kind',
            'h.role',
            'h.from_operator_id',
            'f.name as from_name',
            'h.to_operator_id',
            't.name as to_name',
            'h.reason',
            'h.status',
            'h.requested_at',
            'h.due_at',
            'h.accepted_at',
            'h.escalated_at',
          ])
          .where('h.candidacy_id', '=', row.id)
          .orderBy('h.seq')
          .execute(),
      ]);
      res.json({
        events: events.map((e) => ({
          seq: e.seq,
          type: e.type,
          occurredAt: e.occurred_at.toISOString(),
          actor:
            e.actor_user_id || e.actor_operator_id
              ? {
                  userId: e.actor_user_id,
                  userName: e.display_name,
                  operatorId: e.actor_operator_id,
                  operatorName: e.name,
                }
              : null,
          details: e.payload,
        })),
        handoffs: handoffs.map((h) => ({
          seq: h.seq,
          kind: h.kind,
          role: h.role,
          from: { operatorId: h.from_operator_id, name: h.from_name },
          to: { operatorId: h.to_operator_id, name: h.to_name },
          reason: h.reason,
          status: h.status,
          requestedAt: h.requested_at.toISOString(),
          dueAt: h.due_at?.toISOString() ?? null,
          acceptedAt: h.accepted_at?.toISOString() ?? null,
          escalatedAt: h.escalated_at?.toISOString() ?? null,
        })),
      });
    },
  });
  return router;
}
