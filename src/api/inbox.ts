import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.js';
import { readInbox } from '../app/candidacies/inbox.js';
import { currentUser } from './auth.js';
import { withNames } from './candidacies/read.js';
import { candidacySummarySchema } from './candidacies/schemas.js';
import { defineRoute } from './route.js';

const inboxQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

const inboxSchema = z
  .object({
    items: z.array(candidacySummarySchema.extend({ overdue: z.boolean() })),
    total: z.number().int(),
    overdue: z.number().int(),
    byPhase: z.record(z.string(), z.number().int()),
  })
  .meta({ id: 'Inbox' });

/**
 * `GET /api/inbox`: the candidacies on which the caller's operator must act now (WaitingOn =
 * one of its roles), nearest deadline first, overdue ones flagged, with counts per phase.
 */
export function inboxRoutes(deps: { db: Kysely<Database> }, registry: OpenAPIRegistry): Router {
  const router = Router();
  defineRoute(router, registry, {
    method: 'get',
    path: '/api/inbox',
    summary: 'Ma corbeille : les candidatures où mon organisme doit agir',
    description:
      'Échéance la plus proche d’abord ; les échéances dépassées sont signalées ; décompte par phase.',
    tags: ['Candidatures'],
    auth: true,
    query: inboxQuery,
    responses: { 200: { description: 'La corbeille de l’organisme.', schema: inboxSchema } },
    handler: async ({ query, user }, _req, res) => {
      const caller = user ?? currentUser(res);
      const inbox = await readInbox(deps.db, caller.operatorId, query);
      const items = (await withNames(deps.db, caller, inbox.rows)).map((item, i) => ({
        ...item,
        overdue: inbox.rows[i]!.overdue,
      }));
      res.json({
        items,
        total: inbox.total,
        overdue: inbox.overdue,
        byPhase: Object.fromEntries(inbox.counts.map((c) => [c.phase, c.n])),
      });
    },
  });
  return router;
}
