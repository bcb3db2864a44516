import { z } from 'zod';
import { EXPERIMENT_ARMS } from '../../domain/arm.js';
import { PHASES } from '../../domain/phases.js';
import { JOB_SITUATIONS, QUALIFICATION_LEVELS } from '../../domain/profile.js';
import { idempotencyKeySchema } from '../idempotency-key.js';
import { code, email, plainString, text, uuid } from '../schemas/text.js';

const CURRENT_YEAR = new Date().getUTCFullYear();

/** A certification's code in the RNCP (national register), e.g. RNCP35830. */
export function rncpCode() {
  return code(/^RNCP\d{3,6}$/, 'Code RNCP attendu, par exemple RNCP35830.');
}

/** A skill block's code, e.g. RNCP35830BC01. */
export function blockCode() {
  return code(/^RNCP\d{3,6}BC\d{2}$/, 'Code de bloc attendu, par exemple RNCP35830BC01.');
}

/**
 * The candidate's employer, for conflicts of interest in jury composition (a member tied to it does
 * not sit on the candidate's jury). Personal data: stored on the candidate, never sent to the workflow;
 * null removes it.
 */
export const employerSchema = text({ max: 200 }).nullable().meta({
  description: 'Employeur du candidat (conflits d’intérêts du jury) ; null l’efface.',
  example: 'Aide à Domicile 75',
});

export const candidateInputSchema = z
  .object({
    firstName: text({ max: 100 }),
    lastName: text({ max: 100 }),
    email: email(),
    phone: text({ max: 20 }).regex(
      /^\+?[0-9 .()-]{6,20}$/,
      'Numéro de téléphone invalide : chiffres, espaces, points, tirets, parenthèses et « + » en tête.',
    ),
    birthYear: z
      .number()
      .int()
      .min(CURRENT_YEAR - 100)
      .max(CURRENT_YEAR - 16),
    qualificationLevel: z.enum(QUALIFICATION_LEVELS).meta({
      description: 'Niveau de qualification (cadre national) : none, level3 (CAP) … level8 (doctorat).',
    }),
    jobSituation: z.enum(JOB_SITUATIONS).meta({
      description: 'Situation d’emploi ; employed_job_threatened ouvre droit à l’accompagnement renforcé.',
    }),
    employer: employerSchema.optional(),
  })
  .strict()
  .meta({ id: 'CandidateInput' });

export const createCandidacySchema = z
  .object({
    projectId: uuid(),
    candidate: candidateInputSchema,
    rncpCode: rncpCode().meta({ example: 'RNCP35830' }),
    targetBlocks: z
      .array(blockCode())
      .min(1)
      .max(30)
      .refine((blocks) => new Set(blocks).size === blocks.length, 'Un bloc est cité deux fois.'),
  })
  .strict()
  .meta({ id: 'CreateCandidacy' });
export type CreateCandidacyBody = z.infer<typeof createCandidacySchema>;

export const idempotencyHeaders = z.object({
  'idempotency-key': idempotencyKeySchema
    .optional()
    .meta({ description: 'Rejouer la même requête avec la même clé ne crée qu’une candidature.' }),
});

export const actionIdempotencyHeaders = z.object({
  'idempotency-key': idempotencyKeySchema.optional().meta({
    description:
      'Rejouer la même action (même corps) avec la même clé ne l’applique qu’une fois et renvoie la même réponse, par exemple après une coupure réseau ou une réponse 503.',
  }),
});

export const candidacySummarySchema = z
  .object({
    id: z.uuid(),
    workflowId: z.string(),
    projectId: z.uuid(),
    rncpCode: z.string(),
    targetBlocks: z.array(z.string()),
    arm: z.enum(EXPERIMENT_ARMS),
    reinforced: z.boolean(),
    phase: z.enum(PHASES),
    waitingOn: z.string(),
    operatorId: z.uuid(),
    nextDeadline: z.string().nullable(),
    parentCandidacyId: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CandidacySummary' });

export const candidacyDetailSchema = candidacySummarySchema
  .extend({
    candidate: z.object({
      id: z.uuid(),
      firstName: z.string(),
      lastName: z.string(),
      email: z.string(),
      phone: z.string(),
      birthYear: z.number(),
      qualificationLevel: z.string(),
      jobSituation: z.string(),
      employer: z.string().nullable().meta({
        description: 'Employeur du candidat, comme son identité : aux organismes qui travaillent avec lui.',
      }),
    }),
    live: z.object({}).passthrough().nullable().meta({
      description:
        'État vivant du workflow (requête Temporal `state`) ; null si Temporal est injoignable, et dans la réponse de création.',
    }),
  })
  .meta({ id: 'CandidacyDetail' });

export const listQuerySchema = z
  .object({
    projectId: uuid().optional(),
    phase: z.enum(PHASES).optional(),
    operatorId: uuid().optional(),
    rncpCode: plainString({ max: 20 }).optional(),
    arm: z.enum(EXPERIMENT_ARMS).optional(),
    waitingOn: plainString({ max: 100 }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

export const candidacyListSchema = z
  .object({
    items: z.array(candidacySummarySchema),
    total: z
      .number()
      .int()
      .meta({
        description:
          'Nombre de candidatures correspondantes, compté jusqu’à 10 000 : exact si `totalCapped` est faux ; ' +
          'sinon il y en a plus de 10 000 et `total` vaut 10 000.',
      }),
    totalCapped: z.boolean().meta({
      description: 'Vrai si plus de 10 000 candidatures correspondent : `total` est alors plafonné à 10 000.',
    }),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'CandidacyList' });
