import { z } from 'zod';
import { httpUrl, isoDateTime, text, uuid, code } from '../schemas/text.js';
import { blockCode, rncpCode } from '../candidacies/schemas.js';
import { DEPARTEMENT } from './member-schemas.js';

const departement = code(DEPARTEMENT, 'doit être un code de département : 01 à 95, 2A, 2B ou 971 à 976');

export const planRequestSchema = z
  .object({
    projectId: uuid(),
    rncpCode: rncpCode().optional(),
    horizonDays: z.number().int().min(1).max(120).default(56),
    allowRemote: z.boolean().default(true),
    venues: z
      .array(z.object({ id: text({ min: 1, max: 60 }), departement }).strict())
      .max(20)
      .default([]),
    capacity: z.number().int().min(1).max(20).optional(),
  })
  .strict()
  .meta({ id: 'JuryPlanRequest' });

export const createSessionSchema = z
  .object({
    projectId: uuid(),
    planId: uuid().optional(),
    sessionKey: text({ min: 1, max: 20 }).optional(),
    session: z
      .object({
        rncpCode: rncpCode(),
        startsAt: isoDateTime(),
        endsAt: isoDateTime(),
        modality: z.enum(['on_site', 'remote']),
        candidacyIds: z.array(uuid()).min(1).max(20),
        memberIds: z.array(uuid()).min(2).max(6),
        presidentId: uuid(),
      })
      .strict()
      .optional(),
    place: text({ min: 3, max: 300 }).optional(),
    departement: departement.optional(),
    roomUrl: httpUrl({ max: 500 }).optional(),
  })
  .strict()
  .meta({ id: 'JurySessionCreate' });

export const resultsGridSchema = z
  .object({
    results: z
      .array(
        z
          .object({
            candidacyId: uuid(),
            outcome: z.enum(['full', 'partial', 'refused', 'absent', 'excused']),
            blocks: z
              .array(z.object({ code: blockCode(), validated: z.boolean() }).strict())
              .max(30)
              .default([]),
          })
          .strict(),
      )
      .min(1)
      .max(20),
    memberAttendance: z
      .array(z.object({ memberId: uuid(), attendance: z.enum(['present', 'absent', 'excused']) }).strict())
      .max(6)
      .default([]),
  })
  .strict()
  .meta({ id: 'JuryResultsGrid' });

export const memberParam = z.object({ id: uuid(), memberId: uuid() }).strict();
export const anyObject = z.object({}).passthrough();

export const sessionListQuerySchema = z
  .object({
    status: z.enum(['composing', 'composition_failed', 'convened', 'held', 'closed', 'cancelled']).optional(),
    rncpCode: rncpCode().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
