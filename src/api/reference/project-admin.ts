import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { createHash, randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.js';
import { TARGET_PUBLICS } from '../../domain/publics.js';
import { OPERATOR_ROLES } from '../../domain/roles.js';
import { currentUser, type AuthenticatedUser } from '../auth.js';
import { idempotencyKeyOf } from '../idempotency-key.js';
import { HttpError } from '../problem.js';
import { defineRoute } from '../route.js';
import { problemSchema, text, uuid } from '../schemas/common.js';
import { requireAdministrator } from './access.js';
import { loadCertifications, rncpCodeSchema } from './certifications.js';
import { frenchBody } from './french-validation.js';
import { recordPolicyChange } from './policy.js';
import {
  changedKeys,
  normalizeSettings,
  policyFieldLabel,
  policySettingsInputSchema,
} from './policy-view.js';

/**
 * POST /api/projects: an experimental project — its publics, the certifications it offers, its
 * operators and their roles, its lead and its initial policy — created by an administrator.
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
type CreateProjectBody = z.infer<typeof createProjectSchema>;

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

function validationFailed(errors: { path: string; code: string; message: string }[]): HttpError {
  return new HttpError(
    400,
    'validation_failed',
    errors.length === 1 ? errors[0]!.message : `La requête contient ${errors.length} erreurs.`,
    { errors },
  );
}

/** References of the body that must exist: the lead (a project lead), certifications, operators. */
async function checkReferences(db: Kysely<Database>, body: CreateProjectBody) {
  const operatorIds = [...new Set(body.operators.map((o) => o.operatorId))];
  const [lead, certifications, operators] = await Promise.all([
    db.selectFrom('users').select(['id', 'role']).where('id', '=', body.leadUserId).executeTakeFirst(),
    db
      .selectFrom('certifications')
      .select(['rncp_code', 'certifier_operator_id'])
      .where('rncp_code', 'in', body.certifications)
      .execute(),
    db.selectFrom('operators').select('id').where('id', 'in', operatorIds).execute(),
  ]);
  const errors: { path: string; code: string; message: string }[] = [];
  if (!lead) {
    errors.push({
      path: 'body.leadUserId',
      code: 'unknown_user',
      message: 'Le champ leadUserId (porteur du projet) ne désigne aucun utilisateur connu.',
    });
  } else if (lead.role !== 'project_lead') {
    errors.push({
      path: 'body.leadUserId',
      code: 'not_a_project_lead',
      message: `Le champ leadUserId (porteur du projet) désigne un utilisateur au rôle ${lead.role}, pas un porteur de projet (project_lead).`,
    });
  }
  const knownCertifications = new Set(certifications.map((c) => c.rncp_code));
  body.certifications.forEach((code, i) => {
    if (!knownCertifications.has(code))
      errors.push({
        path: `body.certifications.${i}`,
        code: 'unknown_certification',
        message: `Le champ certifications.${i} cite ${code}, qui n’existe pas : créez-la d’abord (POST /api/certifications).`,
      });
  });
  const knownOperators = new Set(operators.map((o) => o.id));
  body.operators.forEach((o, i) => {
    if (!knownOperators.has(o.operatorId))
      errors.push({
        path: `body.operators.${i}.operatorId`,
        code: 'unknown_operator',
        message: `Le champ operators.${i}.operatorId (organisme) ne désigne aucun organisme connu.`,
      });
  });
  if (errors.length) throw validationFailed(errors);
  return certifications;
}

async function describeProject(db: Kysely<Database>, id: string) {
  const project = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const [offered, operators] = await Promise.all([
    db.selectFrom('project_certifications').select('rncp_code').where('project_id', '=', id).execute(),
    db
      .selectFrom('project_operators as po')
      .innerJoin('operators as o', 'o.id', 'po.operator_id')
      .select(['o.id', 'o.name', 'po.role'])
      .where('po.project_id', '=', id)
      .orderBy('po.role')
      .orderBy('o.name')
      .execute(),
  ]);
  const certifications = await loadCertifications(
    db,
    offered.map((c) => c.rncp_code),
  );
  const policy = normalizeSettings(project.policy);
  return {
    id: project.id,
    name: project.name,
    leadUserId: project.lead_user_id,
    targetPublics: project.target_publics,
    certifications: certifications.map((c) => ({ rncpCode: c.rncpCode, title: c.title, blocks: c.blocks })),
    operators: operators.map((o) => ({ operatorId: o.id, name: o.name, role: o.role })),
    policy: { overrides: policy.overrides ?? {}, arms: policy.arms ?? {} },
    createdAt: project.created_at.toISOString(),
  };
}

async function createProject(
  db: Kysely<Database>,
  user: AuthenticatedUser,
  body: CreateProjectBody,
  idempotencyKey: string | undefined,
): Promise<{ id: string; replayed: boolean }> {
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  if (idempotencyKey) {
    const existing = await db
      .selectFrom('projects')
      .select(['id', 'request_hash'])
      .where('created_by', '=', user.id)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    if (existing) {
      if (existing.request_hash !== hash) {
        throw new HttpError(
          409,
          'idempotency_key_reused',
          'Cette clé Idempotency-Key a déjà servi pour une autre requête ; utilisez une nouvelle clé.',
        );
      }
      return { id: existing.id, replayed: true };
    }
  }
  const certifications = await checkReferences(db, body);
  const id = randomUUID();
  const policy = normalizeSettings(body.policy);
  const empty = normalizeSettings({});
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('projects')
        .values({
          id,
          name: body.name,
          lead_user_id: body.leadUserId,
          target_publics: body.targetPublics,
          policy: JSON.stringify(policy),
          created_by: user.id,
          idempotency_key: idempotencyKey ?? null,
          request_hash: hash,
        })
        .execute();
      await trx
        .insertInto('project_certifications')
        .values(body.certifications.map((rncp_code) => ({ project_id: id, rncp_code })))
        .execute();
      // The certifier of each certification offered plays the certifier role in the project.
      const roles = new Map(body.operators.map((o) => [`${o.operatorId}:${o.role}`, o]));
      for (const c of certifications) {
        roles.set(`${c.certifier_operator_id}:certifier`, {
          operatorId: c.certifier_operator_id,
          role: 'certifier',
        });
      }
      await trx
        .insertInto('project_operators')
        .values([...roles.values()].map((o) => ({ project_id: id, operator_id: o.operatorId, role: o.role })))
        .execute();
      const keys = changedKeys(empty, policy);
      if (keys.length)
        await recordPolicyChange(trx, {
          projectId: id,
          userId: user.id,
          before: empty,
          after: policy,
          changedKeys: keys,
        });
    });
  } catch (err) {
    // Two identical requests raced on the same key: the other one won, answer with it.
    if ((err as { code?: string }).code === '23505' && idempotencyKey) {
      return createProject(db, user, body, idempotencyKey);
    }
    throw err;
  }
  return { id, replayed: false };
}

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
      'idempotency-key': z
        .string()
        .min(8)
        .max(200)
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
