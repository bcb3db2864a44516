import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.js';
import { defineRoute } from './route.js';
import { uuidParam } from './schemas/common.js';
import { loadAdministeredProject } from './reference/access.js';

const failuresQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

const emailFailureSchema = z
  .object({
    candidacyId: z.uuid(),
    template: z.string().meta({ description: 'Le modèle d’e-mail, `<destinataire>.<événement>`.' }),
    recipientKind: z
      .string()
      .meta({ description: 'Le genre de destinataire : candidate, operator, user ou jury_member.' }),
    code: z.enum(['unknown_template', 'unknown_recipient', 'invalid_template_data']),
    reason: z.string().meta({ description: 'Pourquoi, en français, sans donnée personnelle.' }),
    failedAt: z.iso.datetime(),
  })
  .meta({ id: 'EmailFailure' });

const emailFailuresSchema = z
  .object({ items: z.array(emailFailureSchema), total: z.number().int() })
  .meta({ id: 'EmailFailures' });

/**
 * `GET /api/projects/:id/email-failures`: the e-mails of the project's candidacies that could never
 * be sent (unknown template, recipient missing, invalid data), newest first. The project lead and
 * administrators only; no address, no name.
 */
export function emailFailureRoutes(deps: { db: Kysely<Database> }, registry: OpenAPIRegistry): Router {
  const router = Router();
  defineRoute(router, registry, {
    method: 'get',
    path: '/api/projects/:id/email-failures',
    summary: 'Lister les e-mails du projet qui n’ont pas pu être envoyés (porteur de projet)',
    description:
      'Un e-mail en échec définitif (modèle inconnu, destinataire introuvable, données invalides) n’est pas réessayé : la candidature continue sans lui. Le plus récent d’abord ; ni adresse ni nom.',
    tags: ['Projets'],
    auth: true,
    params: uuidParam,
    query: failuresQuery,
    authorize: async ({ params, user }) => {
      await loadAdministeredProject(deps.db, user, params.id, 'les e-mails en échec d’un projet');
    },
    responses: {
      200: { description: 'Les e-mails en échec du projet.', schema: emailFailuresSchema },
      404: { description: 'Projet inconnu.' },
    },
    handler: async ({ params, query }, _req, res) => {
      const failed = deps.db
        .selectFrom('email_log as l')
        .innerJoin('candidacies as c', 'c.id', 'l.candidacy_id')
        .where('c.project_id', '=', params.id)
        .where('l.status', '=', 'failed');
      const [rows, count] = await Promise.all([
        failed
          .select([
            'l.candidacy_id',
            'l.template',
            'l.recipient_kind',
            'l.failure_code',
            'l.failure_reason',
            'l.failed_at',
          ])
          .orderBy('l.failed_at', 'desc')
          .orderBy('l.idempotency_key')
          .limit(query.limit)
          .offset(query.offset)
          .execute(),
        failed.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      res.json({
        items: rows.map((r) => ({
          candidacyId: r.candidacy_id,
          template: r.template,
          recipientKind: r.recipient_kind,
          code: r.failure_code,
          reason: r.failure_reason,
          failedAt: r.failed_at?.toISOString() ?? null,
        })),
        total: Number(count.n),
      });
    },
  });
  return router;
}
