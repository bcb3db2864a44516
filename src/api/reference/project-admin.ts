import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { createProject } from '../../app/reference/create-project.js';
import { describeProject } from '../../app/reference/describe-project.js';
import type { Database } from '../../db/schema.js';
import { TARGET_PUBLICS } from '../../domain/publics.js';
import { OPERATOR_ROLES } from '../../domain/roles.js';
import { currentUser } from '../auth.js';
import { idempotencyKeyOf, idempotencyKeySchema } from '../idempotency-key.js';
import { defineRoute } from '../route.js';
import { problemSchema, text, uuid } from '../schemas/common.js';
import { requireAdministrator } from './access.js';
import { rncpCodeSchema } from './certifications.js';
import { frenchBody } from './french-validation.js';
import { policyFieldLabel, policySettingsInputSchema } from './policy-schemas.js';

/**
 * POST /api/projects: an experimental project — its publics, the certifications it offers, its
 * operators and their roles, its lead and its initial policy — created by an administrator. The
 * use case is src/app/reference/create-project.ts.
 */

const unique =
  <T>(key: (x: T) => string) =>
  (xs: T[]) =>
    !Array.isArray(xs) || new Set(xs.map(key)).size === xs.length;

const FIELD_LABELS: Record<string, string> = {
  name: 'nom du projet',
  leadUserId: 'porteur du projet',
  targetPublics: 'publics visés',
  certifications: 'certifications proposées',
  operators: 'organismes du projet',
  policy: 'politique du projet',
};
const OPERATOR_LABELS: Record<string, string> = { operatorId: 'organisme', role: 'rôle de l’organisme' };

export const createProjectSchema = frenchBody(
  z
    .strictObject({
      name: text({ max: 200 }).meta({ example: 'Expérimentation VAE par blocs — Hauts-de-France' }),
      leadUserId: uuid().meta({ description: 'Le porteur du projet : un utilisateur au rôle project_lead.' }),
      targetPublics: z
        .array(z.enum(TARGET_PUBLICS))
        .max(TARGET_PUBLICS.length)
        .refine(unique(String), {
          message: 'cite un public deux fois',
          params: { reason: 'duplicate_public' },
        })
        .default([]),
      certifications: z
        .array(rncpCodeSchema)
        .min(1)
        .max(50)
        .refine(unique(String), {
          message: 'cite une certification deux fois',
          params: { reason: 'duplicate_certification' },
        })
        .meta({
          description: 'Les codes RNCP proposés (des certifications existantes : POST /api/certifications).',
        }),
      operators: z
        .array(z.strictObject({ operatorId: uuid(), role: z.enum(OPERATOR_ROLES) }))
        .min(1)
        .max(100)
        .refine(
          unique((o: { operatorId: string; role: string }) => `${o.operatorId}:${o.role}`),
          {
            message: 'cite deux fois le même organisme dans le même rôle',
            params: { reason: 'duplicate_operator_role' },
          },
        )
        .refine((os) => !Array.isArray(os) || os.some((o) => o?.role === 'advice'), {
          message:
            'doit compter au moins un organisme d’information et conseil (rôle advice) : sans lui, aucune candidature ne peut être créée',
          params: { reason: 'no_advice_operator' },
        })
        .meta({
          description:
            'Les organismes et leur rôle dans le projet. Le certificateur de chaque certification proposée y est ajouté au rôle certifier s’il n’y est pas.',
        }),
      policy: policySettingsInputSchema.optional().meta({
        description: 'Politique initiale (surcharges des valeurs légales) ; à défaut, les valeurs légales.',
      }),
    })
    .meta({
      id: 'CreateProject',
      example: {
        name: 'Expérimentation VAE par blocs — Hauts-de-France',
        leadUserId: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0205',
        targetPublics: ['low_qualified', 'job_seekers'],
        certifications: ['RNCP35830'],
        operators: [
          { operatorId: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0102', role: 'advice' },
          { operatorId: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0104', role: 'coaching' },
        ],
        policy: { overrides: { admissibilityDecisionDeadline: { days: 45 } } },
      },
    }),
  (path) => {
    if (path[0] === 'policy' && path.length > 1) return policyFieldLabel(path.slice(1));
    if (path[0] === 'operators' && path.length >= 3) return OPERATOR_LABELS[String(path[2])];
    return FIELD_LABELS[String(path[0])];
  },
);

const projectCreatedSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    leadUserId: z.uuid(),
    targetPublics: z.array(z.string()),
    certifications: z.array(
      z.object({
        rncpCode: z.string(),
        title: z.string(),
        blocks: z.array(z.object({ code: z.string(), title: z.string() })),
      }),
    ),
    operators: z.array(z.object({ operatorId: z.uuid(), name: z.string(), role: z.string() })),
    policy: z.object({
      overrides: z.record(z.string(), z.unknown()),
      arms: z.record(z.string(), z.unknown()),
    }),
    createdAt: z.string(),
  })
  .meta({ id: 'ProjectCreated' });

export function projectAdminRoutes(deps: { db: Kysely<Database> }, registry: OpenAPIRegistry): Router {
  const router = Router();
  const { db } = deps;

  defineRoute(router, registry, {
    method: 'post',
    path: '/api/projects',
    summary:
      'Créer un projet : publics, certifications proposées, organismes et rôles, porteur (administrateurs)',
    description:
      'Les certifications et les organismes doivent exister (POST /api/certifications, POST /api/admin/operators) et le porteur être un utilisateur au rôle project_lead. Idempotent avec l’en-tête Idempotency-Key.',
    tags: ['Projets'],
    auth: true,
    body: createProjectSchema,
    headers: z.object({
      // The rule idempotencyKeyOf applies (8 to 200 printable ASCII characters), documented as is.
      'idempotency-key': idempotencyKeySchema
        .optional()
        .meta({ description: 'Rejouer la même requête avec la même clé ne crée qu’un projet.' }),
    }),
    authorize: async ({ user }) => requireAdministrator(user, 'créer un projet'),
    responses: {
      201: { description: 'Projet créé (ou rejoué avec la même clé).', schema: projectCreatedSchema },
      409: { description: 'Clé d’idempotence déjà utilisée pour une autre requête.', schema: problemSchema },
    },
    handler: async ({ body, user }, req, res) => {
      const key = idempotencyKeyOf(req);
      const result = await createProject(db, user ?? currentUser(res), body, key);
      res
        .status(201)
        .location(`/api/projects/${result.id}`)
        .set('Idempotent-Replayed', String(result.replayed))
        .json(await describeProject(db, result.id));
    },
  });

  return router;
}
