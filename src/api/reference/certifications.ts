import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { createCertification } from '../../app/reference/create-certification.js';
import { findCertification } from '../../app/reference/find-certification.js';
import { listCertifications } from '../../app/reference/list-certifications.js';
import type { Database } from '../../db/schema.js';
import { defineRoute } from '../route.js';
import { code, problemSchema, text, uuid } from '../schemas/common.js';
import { requireAdministrator, requireAdministratorOrLead } from './access.js';
import { frenchBody } from './french-validation.js';

/**
 * RNCP certifications and their skill blocks (DOMAIN.md: a certification is split into blocks):
 * the HTTP schemas and routes; the use cases are src/app/reference/*-certification(s).ts.
 */

export const RNCP_CODE = /^RNCP\d{3,6}$/;
export const BLOCK_CODE = /^RNCP\d{3,6}BC\d{2}$/;

export const rncpCodeSchema = code(
  RNCP_CODE,
  'doit être un code RNCP : « RNCP » suivi de 3 à 6 chiffres, par exemple RNCP35830',
).meta({ description: 'Code de la fiche au répertoire national (RNCP).', example: 'RNCP35830' });

const blockInputSchema = z
  .strictObject({
    code: code(
      BLOCK_CODE,
      'doit être un code de bloc : le code RNCP suivi de « BC » et de 2 chiffres, par exemple RNCP35830BC01',
    ).meta({ example: 'RNCP35830BC01' }),
    title: text({ max: 300 }).meta({ example: 'Entretenir le logement et le linge d’un particulier' }),
  })
  .meta({ id: 'SkillBlockInput' });

const FIELD_LABELS: Record<string, string> = {
  rncpCode: 'code RNCP de la certification',
  title: 'intitulé de la certification',
  certifierOperatorId: 'organisme certificateur',
  silenceRule: 'effet du silence du certificateur sur la recevabilité',
  blocks: 'blocs de compétences',
};
const BLOCK_LABELS: Record<string, string> = { code: 'code du bloc', title: 'intitulé du bloc' };

export const createCertificationSchema = frenchBody(
  z
    .strictObject({
      rncpCode: rncpCodeSchema,
      title: text({ max: 300 }).meta({ example: 'Titre professionnel Assistant de vie aux familles' }),
      certifierOperatorId: uuid().meta({
        description: 'L’organisme certificateur (un organisme existant) : il statue sur la recevabilité.',
      }),
      silenceRule: z.enum(['admissible', 'rejected']).default('admissible').meta({
        description:
          'Silence de 2 mois du certificateur : recevable (L. 6412-2, par défaut) ou rejet (certaines certifications).',
      }),
      blocks: z.array(blockInputSchema).min(1).max(50),
    })
    .superRefine((c, ctx) => {
      if (!Array.isArray(c.blocks)) return;
      const seen = new Set<string>();
      c.blocks.forEach((b, i) => {
        if (typeof b?.code !== 'string' || !BLOCK_CODE.test(b.code)) return;
        if (
          typeof c.rncpCode === 'string' &&
          RNCP_CODE.test(c.rncpCode) &&
          !b.code.startsWith(`${c.rncpCode}BC`)
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['blocks', i, 'code'],
            message: `doit commencer par ${c.rncpCode}BC, le code de sa certification (par exemple ${c.rncpCode}BC01)`,
            params: { reason: 'block_not_of_certification' },
          });
        }
        if (seen.has(b.code)) {
          ctx.addIssue({
            code: 'custom',
            path: ['blocks', i, 'code'],
            message: `reprend le code ${b.code} d’un bloc précédent : chaque bloc a son propre code`,
            params: { reason: 'duplicate_block' },
          });
        }
        seen.add(b.code);
      });
    })
    .meta({
      id: 'CreateCertification',
      example: {
        rncpCode: 'RNCP35830',
        title: 'Titre professionnel Assistant de vie aux familles',
        certifierOperatorId: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0103',
        silenceRule: 'admissible',
        blocks: [
          { code: 'RNCP35830BC01', title: 'Entretenir le logement et le linge d’un particulier' },
          { code: 'RNCP35830BC02', title: 'Accompagner la personne dans les actes essentiels du quotidien' },
        ],
      },
    }),
  (path) =>
    path[0] === 'blocks' && path.length >= 3 ? BLOCK_LABELS[String(path[2])] : FIELD_LABELS[String(path[0])],
);

export const certificationSchema = z
  .object({
    rncpCode: z.string(),
    title: z.string(),
    certifierOperatorId: z.uuid(),
    certifierOperatorName: z.string(),
    silenceRule: z.enum(['admissible', 'rejected']),
    blocks: z.array(z.object({ code: z.string(), title: z.string() })),
    createdAt: z.string(),
  })
  .meta({ id: 'Certification' });

const codeParam = frenchBody(z.object({ code: rncpCodeSchema }), () => 'code RNCP de la certification');

/** POST/GET /api/certifications: the catalogue projects choose from (administrators create it). */
export function certificationRoutes(deps: { db: Kysely<Database> }, registry: OpenAPIRegistry): Router {
  const router = Router();
  const { db } = deps;

  defineRoute(router, registry, {
    method: 'post',
    path: '/api/certifications',
    summary: 'Créer une certification RNCP et ses blocs de compétences (administrateurs)',
    description:
      'Le code RNCP est unique (409 `certification_exists` s’il existe déjà) ; au moins un bloc, chaque code de bloc unique et préfixé par le code de la certification.',
    tags: ['Référentiel'],
    auth: true,
    body: createCertificationSchema,
    authorize: async ({ user }) => requireAdministrator(user, 'créer une certification'),
    responses: {
      201: { description: 'Certification créée, avec ses blocs.', schema: certificationSchema },
      409: { description: 'Une certification a déjà ce code RNCP.', schema: problemSchema },
    },
    handler: async ({ body }, _req, res) => {
      const created = await createCertification(db, body);
      res.status(201).location(`/api/certifications/${body.rncpCode}`).json(created);
    },
  });

  defineRoute(router, registry, {
    method: 'get',
    path: '/api/certifications',
    summary: 'Lister les certifications et leurs blocs (administrateurs, porteurs de projet)',
    tags: ['Référentiel'],
    auth: true,
    authorize: async ({ user }) => requireAdministratorOrLead(user, 'le référentiel des certifications'),
    responses: {
      200: { description: 'Les certifications.', schema: z.object({ items: z.array(certificationSchema) }) },
    },
    handler: async (_input, _req, res) => {
      res.json({ items: await listCertifications(db) });
    },
  });

  defineRoute(router, registry, {
    method: 'get',
    path: '/api/certifications/:code',
    summary: 'Lire une certification et ses blocs (administrateurs, porteurs de projet)',
    tags: ['Référentiel'],
    auth: true,
    params: codeParam,
    authorize: async ({ user }) => requireAdministratorOrLead(user, 'le référentiel des certifications'),
    responses: {
      200: { description: 'La certification.', schema: certificationSchema },
      404: { description: 'Aucune certification n’a ce code.', schema: problemSchema },
    },
    handler: async ({ params }, _req, res) => {
      res.json(await findCertification(db, params.code));
    },
  });

  return router;
}
