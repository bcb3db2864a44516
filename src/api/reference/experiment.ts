import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { changeExperiment } from '../../app/experiment/change-experiment.js';
import { experimentView } from '../../app/experiment/experiment-view.js';
import type { Database } from '../../db/schema.js';
import { EXPERIMENT_ARMS } from '../../domain/arm.js';
import { MAX_BLOCK_SIZE, STRATUM_FACTORS } from '../../domain/experiment/index.js';
import type { AuthenticatedUser } from '../auth.js';
import { currentUser } from '../auth.js';
import { defineRoute } from '../route.js';
import { problemSchema, uuidParam } from '../schemas/common.js';
import { loadAdministeredProject } from './access.js';
import { frenchBody } from './french-validation.js';

/**
 * GET/PUT /api/projects/:id/experiment: the project's allocation to the test and control arms
 * (src/app/experiment/), for whoever administers the project (./access.ts), as the policy is.
 * Counts and configuration only: no route shows the sequence, a position, the next arm or the
 * seed (the seed goes to an auditor through `npm run admin -- experiment-seed`, never over HTTP).
 */

const WHAT = 'l’expérimentation d’un projet';

const LABELS: Record<string, string> = {
  mode: 'répartition aléatoire ou expérimentation arrêtée',
  testShare: 'part du groupe test',
  blockSizes: 'tailles de bloc',
  arm: 'groupe de tous quand l’expérimentation est arrêtée',
  stratumFactors: 'facteurs de stratification',
};
const labelOf = (path: readonly PropertyKey[]) => LABELS[String(path[0])];

/**
 * The types only: the ranges (a share from 0 to 1 that every block size honours exactly, block
 * sizes from 1 to 20 without repetition) are the domain's, with its French messages
 * (src/domain/experiment/config.ts), answered as 400 naming the field.
 */
export const experimentSettingsSchema = frenchBody(
  z
    .strictObject({
      mode: z.enum(['randomised', 'off']).meta({
        description:
          '`randomised` : blocs permutés stratifiés ; `off` : expérimentation arrêtée, chaque nouvelle candidature dans `arm`.',
      }),
      testShare: z.number().optional().meta({
        description:
          'Part du groupe test (0 à 1, une fraction que chaque taille de bloc respecte exactement : ½, ⅓, ¼…). Absente : celle de la dernière version aléatoire, sinon ½.',
      }),
      blockSizes: z
        .array(z.number())
        .max(10)
        .optional()
        .meta({
          description: `Tailles de bloc (entiers de 1 à ${MAX_BLOCK_SIZE}, sans doublon), tirées au hasard à chaque bloc pour que le groupe suivant ne puisse se deviner. Absentes : celles de la dernière version aléatoire, sinon 2 et 4.`,
        }),
      arm: z
        .enum(EXPERIMENT_ARMS)
        .optional()
        .meta({ description: 'Avec `off` : le groupe de tous (témoin par défaut).' }),
      stratumFactors: z.array(z.enum(STRATUM_FACTORS)).max(STRATUM_FACTORS.length).optional().meta({
        description:
          'Faits des strates : `public` (accompagnement renforcé ou non), `scope` (un bloc, plusieurs, certification entière). Absents : ceux de la version en cours ; liste vide : une seule strate.',
      }),
    })
    .superRefine((b, ctx) => {
      if (b.mode === 'off') {
        for (const key of ['testShare', 'blockSizes'] as const)
          if (b[key] !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message:
                'ne s’indique qu’avec le mode « randomised » : une expérimentation arrêtée met chaque nouvelle candidature dans un seul groupe (arm)',
              params: { reason: 'not_with_mode_off' },
            });
      } else if (b.arm !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['arm'],
          message:
            'ne s’indique qu’avec le mode « off » : en répartition aléatoire, la part du groupe test (testShare) décide',
          params: { reason: 'not_with_mode_randomised' },
        });
      }
      if (b.stratumFactors && new Set(b.stratumFactors).size !== b.stratumFactors.length)
        ctx.addIssue({
          code: 'custom',
          path: ['stratumFactors'],
          message: 'cite un facteur deux fois',
          params: { reason: 'duplicate_factor' },
        });
    })
    .meta({
      id: 'ProjectExperimentSettings',
      description:
        'La répartition des nouvelles candidatures : une nouvelle version, qui s’applique aux candidatures créées ensuite ; chaque candidature garde son groupe.',
      example: { mode: 'randomised', testShare: 0.5, blockSizes: [2, 4] },
    }),
  labelOf,
);

const armCounts = z.object({ test: z.number().int(), control: z.number().int() });

const versionSchema = z
  .object({
    version: z.number().int(),
    current: z.boolean(),
    mode: z.enum(['randomised', 'off']),
    testShare: z.number().nullable(),
    testShareLabel: z.string().nullable().meta({ description: '« 50 % », en français.' }),
    blockSizes: z.array(z.number().int()).nullable(),
    arm: z
      .enum(EXPERIMENT_ARMS)
      .nullable()
      .meta({ description: 'Le groupe de tous, expérimentation arrêtée.' }),
    stratumFactors: z.array(z.enum(STRATUM_FACTORS)),
    description: z.string().meta({ description: 'La version en une phrase, en français.' }),
    origin: z.string().meta({
      description:
        '`initial` (premier usage), `migration` (reprise de la part de la politique) ou `change` (PUT).',
    }),
    note: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  })
  .meta({ id: 'ExperimentVersion' });

export const experimentViewSchema = z
  .object({
    projectId: z.uuid(),
    projectName: z.string(),
    appliesTo: z.literal('new_candidacies'),
    notice: z.string(),
    current: versionSchema,
    versions: z.array(versionSchema).meta({ description: 'Toutes les versions, la plus récente d’abord.' }),
    strata: z
      .array(
        z.object({
          stratum: z.string(),
          label: z.string(),
          counts: armCounts,
          total: z.number().int(),
          voided: z.number().int().meta({
            description:
              'Positions données à une candidature retirée ensuite (démarrage impossible) : elles restent prises.',
          }),
        }),
      )
      .meta({
        description: 'Candidatures réparties, par strate et par groupe (des effectifs, jamais la séquence).',
      }),
    totals: armCounts.extend({ total: z.number().int(), voided: z.number().int() }),
    outsideAllocation: z.object({ beforeRandomisation: armCounts, followUps: armCounts }).meta({
      description:
        'Candidatures hors répartition : créées avant elle (groupe tiré du hachage de leur identifiant) et parcours complémentaires (groupe de la candidature prolongée).',
    }),
  })
  .meta({ id: 'ProjectExperiment' });

export function experimentRoutes(deps: { db: Kysely<Database> }, registry: OpenAPIRegistry): Router {
  const router = Router();
  const { db } = deps;
  const authorize = async ({ params, user }: { params: { id: string }; user: AuthenticatedUser }) => {
    await loadAdministeredProject(db, user, params.id, WHAT);
  };

  defineRoute(router, registry, {
    method: 'get',
    path: '/api/projects/:id/experiment',
    summary: 'Lire la répartition en groupes test et témoin d’un projet (porteur du projet, administrateurs)',
    description:
      'La version en cours de la répartition et toutes ses versions (qui, quand), et les effectifs de chaque groupe par strate. Jamais la séquence, les positions, le groupe suivant ni la graine.',
    tags: ['Projets'],
    auth: true,
    params: uuidParam,
    authorize,
    responses: {
      200: { description: 'La répartition du projet.', schema: experimentViewSchema },
      404: { description: 'Projet inconnu.', schema: problemSchema },
    },
    handler: async ({ params, user }, _req, res) => {
      const project = await loadAdministeredProject(db, user ?? currentUser(res), params.id, WHAT);
      res.json(await experimentView(db, project));
    },
  });

  defineRoute(router, registry, {
    method: 'put',
    path: '/api/projects/:id/experiment',
    summary:
      'Arrêter ou reprendre l’expérimentation, changer la part du groupe test ou les blocs (porteur du projet, administrateurs)',
    description:
      'Une nouvelle version de la répartition, pour les candidatures créées ensuite : chaque candidature garde le groupe qu’elle a reçu, rien n’est réparti à nouveau. Avec `mode: "off"`, chaque nouvelle candidature va dans `arm` ; avec `mode: "randomised"`, la part et les tailles de bloc absentes sont celles de la dernière version aléatoire. Une part qu’une taille de bloc ne peut respecter exactement est refusée (400, en français). Rien n’est enregistré quand rien ne change (`change: null`).',
    tags: ['Projets'],
    auth: true,
    params: uuidParam,
    body: experimentSettingsSchema,
    authorize,
    responses: {
      200: {
        description:
          'La répartition après la modification, et la version créée (`change`, null si rien n’a changé).',
        schema: experimentViewSchema.extend({
          change: z.object({ version: z.number().int(), createdAt: z.string() }).nullable(),
        }),
      },
      404: { description: 'Projet inconnu.', schema: problemSchema },
    },
    handler: async ({ params, body, user }, _req, res) => {
      const caller = user ?? currentUser(res);
      const project = await loadAdministeredProject(db, caller, params.id, WHAT);
      const { change } = await changeExperiment(db, project.id, caller, body);
      res.json({ ...(await experimentView(db, project)), change });
    },
  });

  return router;
}
