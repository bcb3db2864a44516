import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.js';
import { OPERATOR_ROLES } from '../domain/roles.js';
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
      const keys = OPERATOR_ROLES.map((role) => `${role}:${caller.operatorId}`);
      const [rows, counts] = await Promise.all([
        inboxPage(deps.db, keys, query.limit, query.offset),
        deps.db
          .selectFrom('candidacies')
          .where('started', '=', true)
          .where('waiting_on', 'in', keys)
          .select((eb) => [
            'phase',
            eb.fn.countAll<string>().as('n'),
            sql<string>`count(*) filter (where next_deadline < now())`.as('overdue'),
          ])
          .groupBy('phase')
          .execute(),
      ]);
      const now = Date.now();
      const items = (await withNames(deps.db, caller, rows)).map((item, i) => ({
        ...item,
        overdue: rows[i]!.next_deadline !== null && rows[i]!.next_deadline!.getTime() < now,
      }));
      res.json({
        items,
        total: counts.reduce((n, c) => n + Number(c.n), 0),
        overdue: counts.reduce((n, c) => n + Number(c.overdue), 0),
        byPhase: Object.fromEntries(counts.map((c) => [c.phase, Number(c.n)])),
      });
    },
  });
  return router;
}

/**
 * One page of the inbox: the started candidacies waiting on one of `keys`, by next deadline (none
 * last), then creation date, then id. No index gives that order across an `IN` list (a sequential scan
 * and a sort of the whole inbox: 70–100 ms at 95,000 candidacies), so each key takes its first
 * `offset + limit` rows in the order of `candidacies_inbox_idx` (waiting_on, next_deadline, created_at),
 * and the union is merged, then paged: the same rows in the same order, reading `offset + limit` rows a
 * key instead of the whole inbox. The id ends the order so that ties (left to chance before) page stably.
 */
export function inboxPage(db: Kysely<Database>, keys: string[], limit: number, offset: number) {
  const perKey = keys.map((key, i) =>
    db
      .selectFrom(
        db
          .selectFrom('candidacies')
          .selectAll()
          .where('started', '=', true)
          .where('waiting_on', '=', key)
          .orderBy(sql`next_deadline asc nulls last`)
          .orderBy('created_at')
          .orderBy('id')
          .limit(offset + limit)
          .as(`k${i}`),
      )
      .selectAll(),
  );
  const [first, ...rest] = perKey;
  if (!first) return Promise.resolve([]);
  const union = rest.reduce((all, q) => all.unionAll(q), first);
  return db
    .selectFrom(union.as('inbox'))
    .selectAll()
    .orderBy(sql`next_deadline asc nulls last`)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
}
